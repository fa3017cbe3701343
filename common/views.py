"""View helpers shared by the apps."""

from django.contrib import messages
from django.core.exceptions import ValidationError


def add_errors(form, exc: ValidationError, renames: dict | None = None) -> None:
    """A service's ValidationError on the form: each field's message under its field (named as
    `renames` says when the form calls it otherwise), the rest above the form."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            field = (renames or {}).get(name, name)
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _above_form(form, exc: ValidationError) -> None:
    form.add_error(None, exc)


def form_page(request, form, *, save, success, redirect_to, render_page, on_error=_above_form):
    """A form page: on a valid POST, `save(cleaned_data)` (a service call); a ValidationError
    it raises goes on the form (`on_error`), otherwise the `success` message (text, or a function
    of what `save` returned) and `redirect_to(saved)`. Anything else: `render_page()`."""
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(form.cleaned_data)
        except ValidationError as exc:
            on_error(form, exc)
        else:
            messages.success(request, success(saved) if callable(success) else success)
            return redirect_to(saved)
    return render_page()
