from {{ name | snake }}.models import Priority, Task


def test_the_generated_model_is_usable():
    task = Task(id="urn:example:task:1", title="Write the ontology")
    assert task.tags == []
    assert task.priority is None
    assert Priority.HIGH.value.endswith("#High")
