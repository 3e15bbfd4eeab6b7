#!/usr/bin/env python
"""Django's manage.py, for developers. Users run the `kampung` command instead."""

import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kampung.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
