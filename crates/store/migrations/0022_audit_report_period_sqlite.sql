CREATE INDEX audit_subject ON audit (CASE WHEN instr(entity_id, '/') > 0 THEN substr(entity_id, 1, instr(entity_id, '/') - 1) ELSE entity_id END)
    WHERE entity <> 'report';
CREATE INDEX audit_report_period ON audit (substr(entity_id, instr(entity_id, '/') + 1), CASE WHEN instr(entity_id, '/') > 0 THEN substr(entity_id, 1, instr(entity_id, '/') - 1) ELSE entity_id END)
    WHERE entity = 'report';
