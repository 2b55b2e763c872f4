"""Leaving the product for the kommune's archive: the Noark 5 extract and Fiks Arkiv."""
