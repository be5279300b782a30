"""The console's screens: queue, ticket, customers, help and small pickers."""
