"""Fixtures for the document tests: the edition and a fully filled 登记表."""

import pytest

from rules.edition import load_edition
from doc_readers import full_form


@pytest.fixture(scope="session")
def edition():
    return load_edition()


@pytest.fixture
def form():
    return full_form()


