from customers.tests.public_register.ytj import register_api  # noqa: F401  (the fixture, for every test here)
