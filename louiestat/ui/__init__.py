"""What the page scripts share: who is looking, caches, widgets, the menu, stand-ins and the screen's CSS.
Nothing here decides a business rule; it asks the layers below."""
