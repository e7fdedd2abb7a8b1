"""Custom Rasa components of this project (importable when Rasa runs in rasa_project/)."""
