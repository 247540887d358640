"""What several test modules share: test data, a fake embedder, process, web and Telegram helpers.

Test modules import from here (or take a fixture from conftest.py), never from each other.
"""
