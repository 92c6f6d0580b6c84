# The browser fixtures of the register-wide browser suite.
from caracom_register.tests.e2e.conftest import browser, browser_page  # noqa: F401
