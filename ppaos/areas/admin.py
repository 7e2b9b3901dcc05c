from django.contrib import admin

from .models import Area


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["code", "level", "name_th", "name_en", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name_th", "name_en"]
    autocomplete_fields = ["parent"]
    ordering = ["code"]
