import sys

from journeylab.cli import main

sys.exit(main())
