from listsync.cli.start import main

main()
