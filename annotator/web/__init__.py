"""annotator in a browser: private links (tokens), the app command per link (launch), the server."""
