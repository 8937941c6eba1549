from listsync.cli.main import main

main()
