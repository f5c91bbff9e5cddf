"""The DOM's Python side: the HTML5 parser front end, CSS selectors and the
serializer behind the host-side queries (``Context.dom_find`` ...)."""
