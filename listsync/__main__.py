from listsync.cli import main

main()
