#include "core/db/sqlstatement.h"

#include "core/db/database.h"
#include "core/db/dblogging.h"

#include <QCoreApplication>

namespace EasyCrm::Db {

QString trDb(const char *text)
{
    return QCoreApplication::translate("EasyCrm::Db", text);
}

namespace {

QString driverText(const QSqlError &error)
{
    QString text = error.databaseText();
    const qsizetype detail = text.indexOf(QLatin1String("DETAIL:"));
    if (detail >= 0)
        text.truncate(detail);
    return text.simplified();
}

} // namespace

Error databaseError(const QSqlError &error, const QString &stage, ErrorCode code)
{
    QString detail = stage + QStringLiteral(": ") + driverText(error);
    if (!error.nativeErrorCode().isEmpty())
        detail += QStringLiteral(" [") + error.nativeErrorCode() + u']';
    qCWarning(lcDb).noquote() << "failed:" << detail;
    return makeError(code, trDb("The CRM database could not complete the operation."), detail);
}

bool isUniqueViolation(const QSqlError &error)
{
    const QString native = error.nativeErrorCode();
    // PostgreSQL SQLSTATE unique_violation; SQLite extended codes for UNIQUE / PRIMARY KEY.
    if (native == QLatin1String("23505") || native == QLatin1String("2067") ||
        native == QLatin1String("1555"))
        return true;
    return error.databaseText().contains(QLatin1String("UNIQUE constraint failed"));
}

SqlStatement::SqlStatement(const Database &db, QString stage)
    : m_stage(std::move(stage))
    , m_query(db.handle())
{}

void SqlStatement::prepare(const QString &sql)
{
    m_prepared = m_query.prepare(sql);
    if (!m_prepared)
        m_lastError = m_query.lastError();
}

void SqlStatement::bind(const QString &placeholder, const QVariant &value)
{
    m_query.bindValue(placeholder, value);
}

Result<void> SqlStatement::exec()
{
    if (!m_prepared)
        return databaseError(m_lastError, m_stage);
    if (!m_query.exec()) {
        m_lastError = m_query.lastError();
        return databaseError(m_lastError, m_stage);
    }
    qCDebug(lcDb).noquote() << m_stage << "ok";
    return {};
}

Result<void> SqlStatement::execOneRow(ErrorCode whenNone, const QString &message)
{
    if (Result<void> done = exec(); !done)
        return done;
    if (m_query.numRowsAffected() == 0) {
        qCDebug(lcDb).noquote() << m_stage << "matched no row";
        return makeError(whenNone, message, m_stage);
    }
    return {};
}

Result<void> execRaw(const Database &db, const QString &sql, const QString &stage)
{
    QSqlQuery query(db.handle());
    if (!query.exec(sql))
        return databaseError(query.lastError(), stage);
    return {};
}

} // namespace EasyCrm::Db
