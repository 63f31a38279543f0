-- 0013: an appeal that names only an address is placed by the houses registered under it, so the address key is searched by prefix ("幸福路12号" finds every flat of number 12).

-- text_pattern_ops serves both the exact key (=) and the prefix (LIKE 'key%') whatever the database collation;
-- it replaces the plain index on the key.
create index houses_address_prefix on houses (address_key text_pattern_ops);
drop index houses_address_lookup;
