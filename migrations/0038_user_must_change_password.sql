-- 0038: a password an admin set (reset or first) is one-time: the user must choose their own at next sign-in (#18).
alter table users add column must_change_password boolean not null default false;
