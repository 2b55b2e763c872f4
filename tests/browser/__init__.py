"""The browser tests: one package, so their live app, worker and browser end with the last of them (scope "package")."""
