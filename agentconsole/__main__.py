from agentconsole.cli import main

main()
