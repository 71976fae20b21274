"""The encrypted room store: SQLCipher connection, key slots, migrations. No Qt here."""
