from django.test import Client

from yangguang.orgs.access import can


def test_home_renders_region_tree(world, client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert "示范市" in response.content.decode()
    assert 'lang="zh-CN"' in response.content.decode()


def test_handler_cannot_view_other_body(world) -> None:
    assert can(world.handler_a, "body.view", world.body_a)
    assert not can(world.handler_a, "body.view", world.body_b)
    assert can(world.county_supervisor, "body.view", world.body_a)
    assert not can(world.county_supervisor, "body.change", world.body_a)
    assert not can(world.anonymous, "body.view", world.body_a)
