#pragma once

#include "core/db/dialect.h"
#include "core/db/schema.h"

#include <QList>
#include <QString>

#include <functional>

namespace EasyCrm::Db {

// One versioned step of the schema. Versions are never renumbered or edited once shipped;
// a change is a new migration. Applied versions are recorded in SocialCrmSchemaVersions.
struct Migration
{
    enum class Scope {
        AllDrivers,   // the module's own tables
        EmbeddedOnly, // ABP's tables, created only in the embedded SQLite database
    };
    int version = 0;
    QString description;
    Scope scope = Scope::AllDrivers;
    std::function<QStringList(const Dialect &)> statements;
};

[[nodiscard]] const QList<Migration> &allMigrations();

// The unique index that keeps one external identity on one brand account per tenant and
// provider (migration 3); a violation of it names the index.
inline const QString kBrandIdentityIndex =
    QStringLiteral("UX_SocialCrmIntegrationConnections_Brand_Identity");

namespace ModuleSchema {
// The module's tables as migration 1 created them.
[[nodiscard]] QList<TableSpec> version1Tables();
} // namespace ModuleSchema

} // namespace EasyCrm::Db
