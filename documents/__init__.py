"""Documents from records and edition data: the 登记表, the public notice, the contact
card (DOCX and PDF), the statistics table and the records export (XLSX).

Pure functions from data to bytes: no storage, no channel, no clock.
"""
