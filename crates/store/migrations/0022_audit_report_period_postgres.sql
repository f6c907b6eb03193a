CREATE INDEX audit_subject ON audit (split_part(entity_id, '/', 1)) WHERE entity <> 'report';
CREATE INDEX audit_report_period ON audit (substr(entity_id, strpos(entity_id, '/') + 1), split_part(entity_id, '/', 1))
    WHERE entity = 'report';
