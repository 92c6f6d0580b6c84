from django.urls import path

from bench.stock_admin import site
from caracom_register.urls import handler500  # noqa: F401 - the root URLconf names the error page
from caracom_register.urls import urlpatterns as register_urlpatterns

urlpatterns = [path("stock-admin/", site.urls), *register_urlpatterns]
