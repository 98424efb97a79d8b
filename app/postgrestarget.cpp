#include "app/postgrestarget.h"

#include "core/db/database.h"

#include <QCoreApplication>
#include <QSettings>

namespace EasyCrm::App {

namespace {

// Every key of the remembered connection, in one place.
namespace Key {
const QString host = QStringLiteral("postgres/host");
const QString port = QStringLiteral("postgres/port");
const QString database = QStringLiteral("postgres/database");
const QString user = QStringLiteral("postgres/user");
const QString sslMode = QStringLiteral("postgres/sslMode");
const QString tenant = QStringLiteral("postgres/tenant");
const QString userName = QStringLiteral("postgres/userName");
} // namespace Key

QString tr(const char *text)
{
    return QCoreApplication::translate("EasyCrm::App::PostgresTarget", text);
}

std::optional<PostgresTarget> fail(QString *problem, const QString &reason)
{
    if (problem)
        *problem = reason;
    return std::nullopt;
}

bool parsePort(QStringView text, int *port)
{
    bool ok = false;
    const int value = text.toInt(&ok);
    if (!ok || value < 1 || value > 65535)
        return false;
    *port = value;
    return true;
}

// "host", "host:port", "[v6]" or "[v6]:port"; returns what is wrong, or nothing. `port` stays
// null when none was given.
QString splitHostPort(QStringView hostPort, QString *host, QStringView *port)
{
    if (hostPort.startsWith(u'[')) {
        // RFC 3986 §3.2.2: an IPv6 literal is bracketed so its colons are not the port's.
        const qsizetype close = hostPort.indexOf(u']');
        *host = hostPort.mid(1, close - 1).toString();
        const QStringView rest = hostPort.mid(close + 1);
        if (!rest.isEmpty() && !rest.startsWith(u':'))
            return tr("Only a port may follow the IPv6 address.");
        *port = rest.mid(1);
        return {};
    }
    if (hostPort.count(u':') > 1)
        return tr("Put an IPv6 address in brackets: [::1]:5432/crm.");
    const qsizetype colon = hostPort.indexOf(u':');
    *host = hostPort.left(colon < 0 ? hostPort.size() : colon).toString();
    if (colon >= 0)
        *port = hostPort.mid(colon + 1);
    return {};
}

} // namespace

QString PostgresTarget::address() const
{
    const QString shownHost = host.contains(u':') ? u'[' + host + u']' : host;
    return QStringLiteral("%1:%2/%3").arg(shownHost).arg(port).arg(database);
}

QString PostgresTarget::keychainAccount() const
{
    return QStringLiteral("postgres://%1@%2").arg(user, address());
}

Db::PostgresSettings PostgresTarget::settings(const QString &password,
                                              int connectTimeoutSeconds) const
{
    Db::PostgresSettings settings;
    settings.host = host;
    settings.port = port;
    settings.database = database;
    settings.user = user;
    settings.password = password;
    settings.sslMode = sslMode;
    settings.connectTimeoutSeconds = connectTimeoutSeconds;
    return settings;
}

const QStringList &sslModeNames()
{
    static const QStringList names{QStringLiteral("disable"), QStringLiteral("prefer"),
                                   QStringLiteral("require"), QStringLiteral("verify-full")};
    return names;
}

std::optional<PostgresTarget> parsePostgresAddress(const QString &address, QString *problem)
{
    const QString text = address.trimmed();
    if (text.startsWith(u'[') && !text.contains(u']'))
        return fail(problem, tr("Close the IPv6 address with a bracket: [::1]:5432/crm."));
    const qsizetype slash =
        text.startsWith(u'[') ? text.indexOf(u'/', text.indexOf(u']')) : text.indexOf(u'/');
    if (slash < 0 || slash == text.size() - 1)
        return fail(problem, tr("Name the database after a slash: HOST[:PORT]/DATABASE."));
    PostgresTarget target;
    target.database = text.mid(slash + 1);
    QStringView portText;
    if (const QString wrong = splitHostPort(QStringView(text).left(slash), &target.host, &portText);
        !wrong.isEmpty())
        return fail(problem, wrong);
    if (target.host.isEmpty())
        return fail(problem, tr("Name the server: HOST[:PORT]/DATABASE."));
    if (!portText.isNull() && !parsePort(portText, &target.port))
        return fail(problem, tr("The port must be a number from 1 to 65535."));
    return target;
}

PostgresTarget loadPostgresTarget(QSettings &settings)
{
    PostgresTarget target;
    target.host = settings.value(Key::host).toString();
    target.port = settings.value(Key::port, target.port).toInt();
    target.database = settings.value(Key::database).toString();
    target.user = settings.value(Key::user).toString();
    const QString sslMode = settings.value(Key::sslMode, target.sslMode).toString();
    if (sslModeNames().contains(sslMode))
        target.sslMode = sslMode;
    target.tenantName = settings.value(Key::tenant).toString();
    target.userName = settings.value(Key::userName).toString();
    return target;
}

void savePostgresTarget(QSettings &settings, const PostgresTarget &target)
{
    settings.setValue(Key::host, target.host);
    settings.setValue(Key::port, target.port);
    settings.setValue(Key::database, target.database);
    settings.setValue(Key::user, target.user);
    settings.setValue(Key::sslMode, target.sslMode);
    settings.setValue(Key::tenant, target.tenantName);
    settings.setValue(Key::userName, target.userName);
}

} // namespace EasyCrm::App
