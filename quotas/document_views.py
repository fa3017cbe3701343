"""The plan as a document: printed for signing (PDF or .docx) and the signed copy stored."""

from django.http import Http404
from django.views.decorators.http import require_GET

from common.files import attachment, content_type_of, serve_file

from . import document, view_helpers


@require_GET
def plan_print(request, plan_pk, fmt):
    """The plan as the document the board signs ("In kế hoạch"): PDF or .docx, same content."""
    if fmt not in document.RENDERERS:
        raise Http404
    plan = view_helpers.visible_plan(request, plan_pk)
    doc = document.plan_document(plan)
    return attachment(
        document.RENDERERS[fmt](doc), content_type=document.CONTENT_TYPES[fmt], filename=f"{doc.filename}.{fmt}"
    )


@require_GET
def plan_document(request, plan_pk):
    """The signed document of a plan the user may see (there is no public URL for it)."""
    plan = view_helpers.visible_plan(request, plan_pk)
    if not plan.document:
        raise Http404
    name = plan.document.name.rsplit("/", 1)[-1]
    return serve_file(plan.document, filename=name, content_type=content_type_of(name))
