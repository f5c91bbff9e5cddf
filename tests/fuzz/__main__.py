from tests.fuzz.runner import main

raise SystemExit(main())
