-- ABP's own tables of an EasyCRM server database on PostgreSQL, written by hand to match what
-- an ABP 8.x server's EF Core migrations create through Npgsql (`dotnet ef migrations script`
-- style): quoted PascalCase names, uuid ids, `timestamp without time zone` for DateTime,
-- `timestamp with time zone` for DateTimeOffset, `character varying(n)` for strings with a
-- maximum length, text for ExtraProperties and unlimited strings, bytea for EventData, EF
-- Core's index and key names (cut to 63 bytes with "~"). DataProtectionKeys is EF Core's
-- DataProtectionKey entity of the server's DbContext (PersistKeysToDbContext).
--
-- Only the tables the client reads or writes, their foreign-key parents, and a few of their
-- neighbours (so a check that tolerates unrelated tables is exercised). Loaded by
-- tests/support/postgrescrm.cpp one statement at a time: every statement ends with ";" at the
-- end of a line, and no literal below contains one.

CREATE TABLE IF NOT EXISTS "__EFMigrationsHistory" (
    "MigrationId" character varying(150) NOT NULL,
    "ProductVersion" character varying(32) NOT NULL,
    CONSTRAINT "PK___EFMigrationsHistory" PRIMARY KEY ("MigrationId")
);

CREATE TABLE "AbpAuditLogs" (
    "Id" uuid NOT NULL,
    "ApplicationName" character varying(96),
    "UserId" uuid,
    "UserName" character varying(256),
    "TenantId" uuid,
    "TenantName" character varying(64),
    "ImpersonatorUserId" uuid,
    "ImpersonatorUserName" character varying(256),
    "ImpersonatorTenantId" uuid,
    "ImpersonatorTenantName" character varying(64),
    "ExecutionTime" timestamp without time zone NOT NULL,
    "ExecutionDuration" integer NOT NULL,
    "ClientIpAddress" character varying(64),
    "ClientName" character varying(128),
    "ClientId" character varying(64),
    "CorrelationId" character varying(64),
    "BrowserInfo" character varying(512),
    "HttpMethod" character varying(16),
    "Url" character varying(256),
    "Exceptions" text,
    "Comments" character varying(256),
    "HttpStatusCode" integer,
    "ExtraProperties" text NOT NULL,
    "ConcurrencyStamp" character varying(40) NOT NULL,
    CONSTRAINT "PK_AbpAuditLogs" PRIMARY KEY ("Id")
);

CREATE TABLE "AbpBackgroundJobs" (
    "Id" uuid NOT NULL,
    "ApplicationName" character varying(96),
    "JobName" character varying(128) NOT NULL,
    "JobArgs" character varying(1048576) NOT NULL,
    "TryCount" smallint NOT NULL DEFAULT 0,
    "CreationTime" timestamp without time zone NOT NULL,
    "NextTryTime" timestamp without time zone NOT NULL,
    "LastTryTime" timestamp without time zone,
    "IsAbandoned" boolean NOT NULL DEFAULT FALSE,
    "Priority" smallint NOT NULL DEFAULT 15,
    "ExtraProperties" text NOT NULL,
    "ConcurrencyStamp" character varying(40) NOT NULL,
    CONSTRAINT "PK_AbpBackgroundJobs" PRIMARY KEY ("Id")
);

CREATE TABLE "AbpEventInbox" (
    "Id" uuid NOT NULL,
    "ExtraProperties" text NOT NULL,
    "MessageId" text NOT NULL,
    "EventName" character varying(256) NOT NULL,
    "EventData" bytea NOT NULL,
    "CreationTime" timestamp without time zone NOT NULL,
    "Status" integer NOT NULL,
    "HandledTime" timestamp without time zone,
    "RetryCount" integer NOT NULL,
    "NextRetryTime" timestamp without time zone,
    CONSTRAINT "PK_AbpEventInbox" PRIMARY KEY ("Id")
);

CREATE TABLE "AbpEventOutbox" (
    "Id" uuid NOT NULL,
    "ExtraProperties" text NOT NULL,
    "EventName" character varying(256) NOT NULL,
    "EventData" bytea NOT NULL,
    "CreationTime" timestamp without time zone NOT NULL,
    CONSTRAINT "PK_AbpEventOutbox" PRIMARY KEY ("Id")
);

CREATE TABLE "AbpPermissionGrants" (
    "Id" uuid NOT NULL,
    "TenantId" uuid,
    "Name" character varying(128) NOT NULL,
    "ProviderName" character varying(64) NOT NULL,
    "ProviderKey" character varying(64) NOT NULL,
    CONSTRAINT "PK_AbpPermissionGrants" PRIMARY KEY ("Id")
);

CREATE TABLE "AbpRoles" (
    "Id" uuid NOT NULL,
    "TenantId" uuid,
    "Name" character varying(256) NOT NULL,
    "NormalizedName" character varying(256) NOT NULL,
    "IsDefault" boolean NOT NULL,
    "IsStatic" boolean NOT NULL,
    "IsPublic" boolean NOT NULL,
    "EntityVersion" integer NOT NULL,
    "CreationTime" timestamp without time zone NOT NULL,
    "ExtraProperties" text NOT NULL,
    "ConcurrencyStamp" character varying(40) NOT NULL,
    CONSTRAINT "PK_AbpRoles" PRIMARY KEY ("Id")
);

CREATE TABLE "AbpSecurityLogs" (
    "Id" uuid NOT NULL,
    "TenantId" uuid,
    "ApplicationName" character varying(96),
    "Identity" character varying(96),
    "Action" character varying(96),
    "UserId" uuid,
    "UserName" character varying(256),
    "TenantName" character varying(64),
    "ClientId" character varying(64),
    "CorrelationId" character varying(64),
    "ClientIpAddress" character varying(64),
    "BrowserInfo" character varying(512),
    "CreationTime" timestamp without time zone NOT NULL,
    "ExtraProperties" text NOT NULL,
    "ConcurrencyStamp" character varying(40) NOT NULL,
    CONSTRAINT "PK_AbpSecurityLogs" PRIMARY KEY ("Id")
);

CREATE TABLE "AbpSettings" (
    "Id" uuid NOT NULL,
    "Name" character varying(128) NOT NULL,
    "Value" character varying(2048) NOT NULL,
    "ProviderName" character varying(64),
    "ProviderKey" character varying(64),
    CONSTRAINT "PK_AbpSettings" PRIMARY KEY ("Id")
);

CREATE TABLE "AbpTenants" (
    "Id" uuid NOT NULL,
    "Name" character varying(64) NOT NULL,
    "NormalizedName" character varying(64) NOT NULL,
    "EntityVersion" integer NOT NULL,
    "ExtraProperties" text NOT NULL,
    "ConcurrencyStamp" character varying(40) NOT NULL,
    "CreationTime" timestamp without time zone NOT NULL,
    "CreatorId" uuid,
    "LastModificationTime" timestamp without time zone,
    "LastModifierId" uuid,
    "IsDeleted" boolean NOT NULL DEFAULT FALSE,
    "DeleterId" uuid,
    "DeletionTime" timestamp without time zone,
    CONSTRAINT "PK_AbpTenants" PRIMARY KEY ("Id")
);

CREATE TABLE "AbpUsers" (
    "Id" uuid NOT NULL,
    "TenantId" uuid,
    "UserName" character varying(256) NOT NULL,
    "NormalizedUserName" character varying(256) NOT NULL,
    "Name" character varying(64),
    "Surname" character varying(64),
    "Email" character varying(256) NOT NULL,
    "NormalizedEmail" character varying(256) NOT NULL,
    "EmailConfirmed" boolean NOT NULL DEFAULT FALSE,
    "PasswordHash" character varying(256),
    "SecurityStamp" character varying(256) NOT NULL,
    "IsExternal" boolean NOT NULL DEFAULT FALSE,
    "PhoneNumber" character varying(16),
    "PhoneNumberConfirmed" boolean NOT NULL DEFAULT FALSE,
    "IsActive" boolean NOT NULL,
    "TwoFactorEnabled" boolean NOT NULL DEFAULT FALSE,
    "LockoutEnd" timestamp with time zone,
    "LockoutEnabled" boolean NOT NULL DEFAULT FALSE,
    "AccessFailedCount" integer NOT NULL DEFAULT 0,
    "ShouldChangePasswordOnNextLogin" boolean NOT NULL,
    "EntityVersion" integer NOT NULL,
    "LastPasswordChangeTime" timestamp with time zone,
    "ExtraProperties" text NOT NULL,
    "ConcurrencyStamp" character varying(40) NOT NULL,
    "CreationTime" timestamp without time zone NOT NULL,
    "CreatorId" uuid,
    "LastModificationTime" timestamp without time zone,
    "LastModifierId" uuid,
    "IsDeleted" boolean NOT NULL DEFAULT FALSE,
    "DeleterId" uuid,
    "DeletionTime" timestamp without time zone,
    CONSTRAINT "PK_AbpUsers" PRIMARY KEY ("Id")
);

CREATE TABLE "DataProtectionKeys" (
    "Id" integer GENERATED BY DEFAULT AS IDENTITY,
    "FriendlyName" text,
    "Xml" text,
    CONSTRAINT "PK_DataProtectionKeys" PRIMARY KEY ("Id")
);

CREATE TABLE "AbpAuditLogActions" (
    "Id" uuid NOT NULL,
    "TenantId" uuid,
    "AuditLogId" uuid NOT NULL,
    "ServiceName" character varying(256),
    "MethodName" character varying(128),
    "Parameters" character varying(2000),
    "ExecutionTime" timestamp without time zone NOT NULL,
    "ExecutionDuration" integer NOT NULL,
    "ExtraProperties" text,
    CONSTRAINT "PK_AbpAuditLogActions" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_AbpAuditLogActions_AbpAuditLogs_AuditLogId" FOREIGN KEY ("AuditLogId")
        REFERENCES "AbpAuditLogs" ("Id") ON DELETE CASCADE
);

CREATE TABLE "AbpEntityChanges" (
    "Id" uuid NOT NULL,
    "AuditLogId" uuid NOT NULL,
    "TenantId" uuid,
    "ChangeTime" timestamp without time zone NOT NULL,
    "ChangeType" smallint NOT NULL,
    "EntityTenantId" uuid,
    "EntityId" character varying(128),
    "EntityTypeFullName" character varying(128) NOT NULL,
    "ExtraProperties" text,
    CONSTRAINT "PK_AbpEntityChanges" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_AbpEntityChanges_AbpAuditLogs_AuditLogId" FOREIGN KEY ("AuditLogId")
        REFERENCES "AbpAuditLogs" ("Id") ON DELETE CASCADE
);

CREATE TABLE "AbpTenantConnectionStrings" (
    "TenantId" uuid NOT NULL,
    "Name" character varying(64) NOT NULL,
    "Value" character varying(1024) NOT NULL,
    CONSTRAINT "PK_AbpTenantConnectionStrings" PRIMARY KEY ("TenantId", "Name"),
    CONSTRAINT "FK_AbpTenantConnectionStrings_AbpTenants_TenantId" FOREIGN KEY ("TenantId")
        REFERENCES "AbpTenants" ("Id") ON DELETE CASCADE
);

CREATE TABLE "AbpUserLogins" (
    "UserId" uuid NOT NULL,
    "LoginProvider" character varying(64) NOT NULL,
    "TenantId" uuid,
    "ProviderKey" character varying(196) NOT NULL,
    "ProviderDisplayName" character varying(128),
    CONSTRAINT "PK_AbpUserLogins" PRIMARY KEY ("UserId", "LoginProvider"),
    CONSTRAINT "FK_AbpUserLogins_AbpUsers_UserId" FOREIGN KEY ("UserId")
        REFERENCES "AbpUsers" ("Id") ON DELETE CASCADE
);

CREATE TABLE "AbpUserRoles" (
    "UserId" uuid NOT NULL,
    "RoleId" uuid NOT NULL,
    "TenantId" uuid,
    CONSTRAINT "PK_AbpUserRoles" PRIMARY KEY ("UserId", "RoleId"),
    CONSTRAINT "FK_AbpUserRoles_AbpRoles_RoleId" FOREIGN KEY ("RoleId")
        REFERENCES "AbpRoles" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_AbpUserRoles_AbpUsers_UserId" FOREIGN KEY ("UserId")
        REFERENCES "AbpUsers" ("Id") ON DELETE CASCADE
);

CREATE TABLE "AbpEntityPropertyChanges" (
    "Id" uuid NOT NULL,
    "TenantId" uuid,
    "EntityChangeId" uuid NOT NULL,
    "NewValue" character varying(512),
    "OriginalValue" character varying(512),
    "PropertyName" character varying(128) NOT NULL,
    "PropertyTypeFullName" character varying(64) NOT NULL,
    CONSTRAINT "PK_AbpEntityPropertyChanges" PRIMARY KEY ("Id"),
    CONSTRAINT "FK_AbpEntityPropertyChanges_AbpEntityChanges_EntityChangeId"
        FOREIGN KEY ("EntityChangeId") REFERENCES "AbpEntityChanges" ("Id") ON DELETE CASCADE
);

CREATE INDEX "IX_AbpAuditLogActions_AuditLogId" ON "AbpAuditLogActions" ("AuditLogId");

CREATE INDEX "IX_AbpAuditLogActions_TenantId_ServiceName_MethodName_Executio~"
    ON "AbpAuditLogActions" ("TenantId", "ServiceName", "MethodName", "ExecutionTime");

CREATE INDEX "IX_AbpAuditLogs_TenantId_ExecutionTime"
    ON "AbpAuditLogs" ("TenantId", "ExecutionTime");

CREATE INDEX "IX_AbpAuditLogs_TenantId_UserId_ExecutionTime"
    ON "AbpAuditLogs" ("TenantId", "UserId", "ExecutionTime");

CREATE INDEX "IX_AbpBackgroundJobs_IsAbandoned_NextTryTime"
    ON "AbpBackgroundJobs" ("IsAbandoned", "NextTryTime");

CREATE INDEX "IX_AbpEntityChanges_AuditLogId" ON "AbpEntityChanges" ("AuditLogId");

CREATE INDEX "IX_AbpEntityChanges_TenantId_EntityTypeFullName_EntityId"
    ON "AbpEntityChanges" ("TenantId", "EntityTypeFullName", "EntityId");

CREATE INDEX "IX_AbpEntityPropertyChanges_EntityChangeId"
    ON "AbpEntityPropertyChanges" ("EntityChangeId");

CREATE INDEX "IX_AbpEventInbox_MessageId" ON "AbpEventInbox" ("MessageId");

CREATE INDEX "IX_AbpEventInbox_Status_CreationTime" ON "AbpEventInbox" ("Status", "CreationTime");

CREATE INDEX "IX_AbpEventOutbox_CreationTime" ON "AbpEventOutbox" ("CreationTime");

CREATE UNIQUE INDEX "IX_AbpPermissionGrants_TenantId_Name_ProviderName_ProviderKey"
    ON "AbpPermissionGrants" ("TenantId", "Name", "ProviderName", "ProviderKey");

CREATE INDEX "IX_AbpRoles_NormalizedName" ON "AbpRoles" ("NormalizedName");

CREATE INDEX "IX_AbpSecurityLogs_TenantId_Action" ON "AbpSecurityLogs" ("TenantId", "Action");

CREATE INDEX "IX_AbpSecurityLogs_TenantId_ApplicationName"
    ON "AbpSecurityLogs" ("TenantId", "ApplicationName");

CREATE INDEX "IX_AbpSecurityLogs_TenantId_Identity" ON "AbpSecurityLogs" ("TenantId", "Identity");

CREATE INDEX "IX_AbpSecurityLogs_TenantId_UserId" ON "AbpSecurityLogs" ("TenantId", "UserId");

CREATE UNIQUE INDEX "IX_AbpSettings_Name_ProviderName_ProviderKey"
    ON "AbpSettings" ("Name", "ProviderName", "ProviderKey");

CREATE INDEX "IX_AbpTenants_Name" ON "AbpTenants" ("Name");

CREATE INDEX "IX_AbpTenants_NormalizedName" ON "AbpTenants" ("NormalizedName");

CREATE INDEX "IX_AbpUserLogins_LoginProvider_ProviderKey"
    ON "AbpUserLogins" ("LoginProvider", "ProviderKey");

CREATE INDEX "IX_AbpUserRoles_RoleId_UserId" ON "AbpUserRoles" ("RoleId", "UserId");

CREATE INDEX "IX_AbpUsers_Email" ON "AbpUsers" ("Email");

CREATE INDEX "IX_AbpUsers_NormalizedEmail" ON "AbpUsers" ("NormalizedEmail");

CREATE INDEX "IX_AbpUsers_NormalizedUserName" ON "AbpUsers" ("NormalizedUserName");

CREATE INDEX "IX_AbpUsers_UserName" ON "AbpUsers" ("UserName");

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20240415093012_Initial', '8.0.4');
