"""Importing mail into the store: parallel preparation, threading, one writer."""
