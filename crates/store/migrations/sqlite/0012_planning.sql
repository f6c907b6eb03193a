-- Project planning (策划包装): the year a project was planned and packaged into the library, and the
-- day it entered the library (入库日期), from which a unit's planning progress is counted as of a date.
-- Projects already in the library entered it on the (Beijing) day they were created.
ALTER TABLE projects ADD COLUMN planning_year BIGINT CHECK (planning_year BETWEEN 2000 AND 2100);
ALTER TABLE projects ADD COLUMN entered_on TEXT NOT NULL DEFAULT '';
UPDATE projects SET entered_on = date(substr(created_at, 1, 19), '+8 hours');
CREATE INDEX projects_planning ON projects(planning_year) WHERE planning_year IS NOT NULL;

-- Every change of a project's construction stage, so that its stage on any past day is known (a
-- planned project counts as converted, 转化, from the day it left 储备). The stage before the first
-- change is `from_stage`; after the last, the project's own.
CREATE TABLE project_stage_changes (
    id INTEGER PRIMARY KEY,
    project_id BIGINT NOT NULL REFERENCES projects(id),
    from_stage TEXT NOT NULL,
    to_stage TEXT NOT NULL,
    -- The Beijing day of the change.
    changed_on TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX project_stage_changes_project ON project_stage_changes(project_id, id);

-- The commission's yearly planning quota (策划包装任务) of a unit: projects to plan, their total
-- investment (yuan) and how many big ones (大块头).
CREATE TABLE planning_quotas (
    unit_id BIGINT NOT NULL REFERENCES units(id),
    year BIGINT NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    projects BIGINT NOT NULL CHECK (projects >= 0),
    investment BIGINT NOT NULL CHECK (investment >= 0),
    big_projects BIGINT NOT NULL CHECK (big_projects >= 0),
    updated_at TEXT NOT NULL,
    PRIMARY KEY (unit_id, year)
);

-- A city's named annual investment plan (e.g. 千亿百项): a list of projects with a target count and
-- a target investment (yuan).
CREATE TABLE investment_plans (
    id INTEGER PRIMARY KEY,
    year BIGINT NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    name TEXT NOT NULL,
    target_projects BIGINT NOT NULL CHECK (target_projects >= 0),
    target_investment BIGINT NOT NULL CHECK (target_investment >= 0),
    created_at TEXT NOT NULL,
    UNIQUE (year, name)
);

CREATE TABLE investment_plan_projects (
    plan_id BIGINT NOT NULL REFERENCES investment_plans(id),
    project_id BIGINT NOT NULL REFERENCES projects(id),
    PRIMARY KEY (plan_id, project_id)
);
CREATE INDEX investment_plan_projects_project ON investment_plan_projects(project_id);
