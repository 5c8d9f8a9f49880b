from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from pakn.taxonomy.models import Field


def home(request: HttpRequest) -> HttpResponse:
    fields = Field.objects.active().filter(parent__isnull=True)
    return render(request, "portal/home.html", {"fields": fields})
