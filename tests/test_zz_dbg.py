import pytest
from tests.factories import WorkerFactory
pytestmark = pytest.mark.django_db
@pytest.mark.urls("tests.lookup_urls")
def test_dbg(client):
    client.force_login(WorkerFactory())
    r = client.get("/lookup/organization/?field=organization&id=id_organization&organization_q=x")
    print(r.status_code, r.content[:3000])
    assert 0
