"""Model fields whose values are stored encrypted (contact/encryption.py).

The column holds a Fernet token; Python code sees the text. An empty value stays empty
(it says only that, say, no phone number was given). No lookup but `isnull` is offered:
a filter on ciphertext would silently find nothing, so it fails loudly instead. The email
address is found through its blind index (Inquiry.email_index)."""

from django.db import models

from contact import encryption


class EncryptedMixin:
    def get_internal_type(self):
        return "TextField"  # a token is longer than max_length, which checks the text

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return encryption.decrypt(value)

    def get_db_prep_value(self, value, connection, prepared=False):
        value = super().get_db_prep_value(value, connection, prepared)
        if value is None or value == "":
            return value
        return encryption.encrypt(str(value))

    def get_lookup(self, lookup_name):
        if lookup_name != "isnull":
            return None
        return super().get_lookup(lookup_name)

    def get_transform(self, lookup_name):
        return None


class EncryptedCharField(EncryptedMixin, models.CharField):
    pass


class EncryptedEmailField(EncryptedMixin, models.EmailField):
    pass


class EncryptedTextField(EncryptedMixin, models.TextField):
    pass
