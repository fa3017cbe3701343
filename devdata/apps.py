from django.apps import AppConfig


class DevdataConfig(AppConfig):
    """The demo and the synthetic datasets: data in fixtures/, loaded through the apps' services."""

    name = "devdata"
