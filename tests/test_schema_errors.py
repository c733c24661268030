"""The OpenAPI schema lists the error answers of every operation (perhelinja/schema.py)."""

import pytest
from drf_spectacular.generators import SchemaGenerator

pytestmark = pytest.mark.django_db


def test_every_operation_documents_its_error_answers():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    writes = reads = 0
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert {"400", "401", "403", "404", "429"} <= codes, (path, method)
            if method in ("post", "put", "patch", "delete"):
                assert "409" in codes, (path, method)
                writes += 1
            else:
                reads += 1
            assert any(code.startswith("2") for code in codes), (path, method)
    assert writes and reads
