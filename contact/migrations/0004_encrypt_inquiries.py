"""Encrypt what people sent (and the staff notes) in the rows stored so far.

The columns become text (a token is longer than the text); then each plaintext value is
encrypted under the first INQUIRY_ENCRYPTION_KEYS key and the address gets its blind
index. Values that are already tokens are left alone, so running it twice is harmless; a
token that no configured key opens stops the migration rather than being encrypted again.
Reversing decrypts them back (it needs the keys as well).
"""

import contact.fields
import django.core.validators
from django.db import migrations, models

ENCRYPTED_COLUMNS = ("name", "email", "phone", "message", "staff_notes")
BATCH_SIZE = 500


def _rewrite_rows(schema_editor, convert_value):
    from contact import encryption

    columns = ", ".join(ENCRYPTED_COLUMNS)
    assignments = ", ".join(f"{column} = %s" for column in (*ENCRYPTED_COLUMNS, "email_index"))
    with schema_editor.connection.cursor() as cursor:
        last_id = 0
        while True:
            cursor.execute(
                f"SELECT id, {columns} FROM contact_inquiry WHERE id > %s ORDER BY id LIMIT %s",
                [last_id, BATCH_SIZE],
            )
            rows = cursor.fetchall()
            if not rows:
                return
            for row_id, *values in rows:
                plain = [encryption.decrypt(v) if encryption.looks_encrypted(v) else v for v in values]
                email = plain[ENCRYPTED_COLUMNS.index("email")]
                new_values = [convert_value(v) if v else v for v in plain]
                index = encryption.email_index(email) if convert_value is encryption.encrypt else ""
                cursor.execute(
                    f"UPDATE contact_inquiry SET {assignments} WHERE id = %s",
                    [*new_values, index, row_id],
                )
            last_id = rows[-1][0]


def encrypt_rows(apps, schema_editor):
    from contact import encryption

    _rewrite_rows(schema_editor, encryption.encrypt)


def decrypt_rows(apps, schema_editor):
    _rewrite_rows(schema_editor, lambda value: value)


class Migration(migrations.Migration):

    dependencies = [
        ('contact', '0003_inquiry_closed_at'),
    ]

    operations = [
        migrations.AddField(
            model_name='inquiry',
            name='email_index',
            field=models.CharField(blank=True, db_index=True, editable=False, max_length=64),
        ),
        migrations.AlterField(
            model_name='inquiry',
            name='email',
            field=contact.fields.EncryptedEmailField(max_length=254),
        ),
        migrations.AlterField(
            model_name='inquiry',
            name='message',
            field=contact.fields.EncryptedTextField(validators=[django.core.validators.MaxLengthValidator(2000)]),
        ),
        migrations.AlterField(
            model_name='inquiry',
            name='name',
            field=contact.fields.EncryptedCharField(max_length=200),
        ),
        migrations.AlterField(
            model_name='inquiry',
            name='phone',
            field=contact.fields.EncryptedCharField(blank=True, max_length=40),
        ),
        migrations.AlterField(
            model_name='inquiry',
            name='staff_notes',
            field=contact.fields.EncryptedTextField(blank=True, help_text='Only staff with access to inquiries see these.', verbose_name='private staff notes'),
        ),
        migrations.RunPython(encrypt_rows, decrypt_rows),
    ]
