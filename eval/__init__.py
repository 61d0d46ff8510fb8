"""The eval suite: datasets -> the service's own functions -> metrics -> reports (Markdown + PNG)."""
