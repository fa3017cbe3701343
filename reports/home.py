"""This app's section of the home page: (template name, context) or None."""


def section(request, today):
    return None
