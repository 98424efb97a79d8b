#pragma once

#include "core/common/result.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QString>
#include <QVariant>

namespace EasyCrm::Db {

class Database;

// A prepared statement with the product's error policy: failures become ErrorCode values
// whose detail names the stage and the driver's text (never a bound value), and the log
// records stage and outcome only. Named placeholders (":Id") work on both drivers.
class SqlStatement final
{
public:
    SqlStatement(const Database &db, QString stage);
    Q_DISABLE_COPY_MOVE(SqlStatement)

    void prepare(const QString &sql);
    void bind(const QString &placeholder, const QVariant &value);
    [[nodiscard]] Result<void> exec();
    // Executes and asks for exactly one affected row; 0 rows gives `whenNone`.
    [[nodiscard]] Result<void> execOneRow(ErrorCode whenNone, const QString &message);

    QSqlQuery &query() { return m_query; }
    [[nodiscard]] bool next() { return m_query.next(); }
    [[nodiscard]] QVariant value(const QString &column) const { return m_query.value(column); }
    [[nodiscard]] int rowsAffected() const { return m_query.numRowsAffected(); }
    [[nodiscard]] const QSqlError &lastError() const { return m_lastError; }

private:
    QString m_stage;
    QSqlQuery m_query;
    QSqlError m_lastError;
    bool m_prepared = false;
};

// Executes one statement without parameters (DDL, pragmas, savepoints).
[[nodiscard]] Result<void> execRaw(const Database &db, const QString &sql, const QString &stage);

// The error for a failed database call. The driver's text is kept only up to a
// PostgreSQL "DETAIL:" line, which can quote key values.
[[nodiscard]] Error databaseError(const QSqlError &error, const QString &stage,
                                  ErrorCode code = ErrorCode::DatabaseError);
[[nodiscard]] bool isUniqueViolation(const QSqlError &error);

// Translated messages shared by the repositories.
[[nodiscard]] QString trDb(const char *text);

} // namespace EasyCrm::Db
