"""The bundled synthetic demo case (`hongxian demo`)."""
