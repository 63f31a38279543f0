-- 0031: participation's resident codes go out through the notify outbox, as a 'resident' row whose phone and text are sealed (pii.encrypt) in params until sent.
alter table notify_outbox drop constraint notify_outbox_recipient_type_check;
alter table notify_outbox add constraint notify_outbox_recipient_type_check check (recipient_type in ('reporter', 'user', 'robot', 'citizen', 'resident'));
