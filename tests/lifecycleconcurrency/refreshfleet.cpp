#include "tests/lifecycleconcurrency/refreshfleet.h"

#include "core/crypto/dataprotector.h"
#include "core/db/brandaccountrepository.h"
#include "core/db/connectionrepository.h"
#include "core/db/database.h"
#include "core/db/sqlstatement.h"
#include "core/service/workspace.h"
#include "tests/support/sandboxserver.h"

#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QTemporaryDir>
#include <QTimer>

namespace EasyCrm::Testing {

namespace {

constexpr int kControlTimeoutMs = 30000;
constexpr int kStateSlice = 1000; // what POST /__sandbox/refresh-token-state accepts at once

Error fleetError(const QString &detail)
{
    return makeError(ErrorCode::NetworkError, QStringLiteral("test fleet setup failed"), detail);
}

QList<SandboxGrant> parseGrants(const QByteArray &json)
{
    QList<SandboxGrant> grants;
    const QJsonArray array = QJsonDocument::fromJson(json).array();
    for (const QJsonValue &value : array) {
        const QJsonObject object = value.toObject();
        SandboxGrant grant;
        grant.accessToken = object.value(u"accessToken").toString().toUtf8();
        grant.refreshToken = object.value(u"refreshToken").toString().toUtf8();
        grant.expiresIn = object.value(u"expiresIn").toInteger();
        grant.scopes = object.value(u"scope").toString().split(u' ', Qt::SkipEmptyParts);
        grants.append(grant);
    }
    return grants;
}

// One control request, waited for: the JSON object answered, empty on any failure.
QJsonObject control(const QUrl &issuer, const QString &name, const QJsonObject *body)
{
    QNetworkAccessManager network;
    QNetworkRequest request(issuer.resolved(QUrl(u"/__sandbox/"_qs + name)));
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    QNetworkReply *reply =
        body ? network.post(request, QJsonDocument(*body).toJson()) : network.get(request);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(kControlTimeoutMs, &loop, &QEventLoop::quit);
    loop.exec();
    const bool ok = reply->isFinished() && reply->error() == QNetworkReply::NoError;
    const QJsonObject answer =
        ok ? QJsonDocument::fromJson(reply->readAll()).object() : QJsonObject();
    reply->abort();
    reply->deleteLater();
    return answer;
}

Result<void> insertOne(Workspace &crm, const SandboxGrant &grant, const QDateTime &expiresAt,
                       QUuid &id)
{
    const SessionUser &user = crm.user();
    Db::BrandAccount account;
    account.tenantId = user.tenantId;
    account.name = QStringLiteral("Fleet brand %1").arg(QUuid::createUuid().toString());
    account.creationTime = expiresAt;
    if (Result<void> r = Db::BrandAccountRepository(crm.database()).insert(account); !r)
        return r.error();
    Db::IntegrationConnection row;
    row.tenantId = user.tenantId;
    row.brandAccountId = account.id;
    row.providerKey = QStringLiteral("sandbox");
    // Every grant is alice's, but one external identity sits on at most one brand account of
    // a tenant: each fleet connection stands for another account (the refresh never looks).
    row.externalUserId = u"alice-0001/"_qs + account.id.toString(QUuid::WithoutBraces);
    row.externalHandle = QStringLiteral("alice");
    row.externalDisplayName = QStringLiteral("Alice Example");
    Result<QString> access = crm.protector().protect(grant.accessToken);
    Result<QString> refresh = crm.protector().protect(grant.refreshToken);
    if (!access || !refresh)
        return access ? refresh.error() : access.error();
    row.protectedAccessToken = access.value();
    row.protectedRefreshToken = refresh.value();
    row.accessTokenExpiresAt = expiresAt;
    row.grantedScopes = grant.scopes;
    row.status = Db::ConnectionStatus::Connected;
    row.creationTime = expiresAt;
    row.creatorId = user.userId;
    if (Result<void> r = Db::ConnectionRepository(crm.database()).insert(row); !r)
        return r.error();
    id = row.id;
    return {};
}

} // namespace

Result<QList<SandboxGrant>> makeSandboxGrants(const SandboxServer &sandbox, int count,
                                              int timeoutMs)
{
    QTemporaryDir dir;
    if (!dir.isValid())
        return fleetError(QStringLiteral("no temporary directory"));
    const QString out = dir.filePath(QStringLiteral("grants.json"));
    QProcess node;
    node.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    node.start(nodeExecutable(),
               {sandboxDirectory() + u"/grants.mjs"_qs, QStringLiteral("--issuer"),
                sandbox.issuer().toString(), QStringLiteral("--client-id"), sandbox.clientId(),
                QStringLiteral("--client-secret"), QString::fromUtf8(sandbox.clientSecret()),
                QStringLiteral("--count"), QString::number(count), QStringLiteral("--out"), out});
    if (!node.waitForFinished(timeoutMs) || node.exitCode() != 0) {
        node.kill();
        return fleetError(QStringLiteral("grants.mjs did not finish"));
    }
    Result<QList<SandboxGrant>> read = readGrantsFile(out);
    if (!read)
        return read.error();
    QList<SandboxGrant> grants = std::move(read).value();
    if (grants.size() != count)
        return fleetError(QStringLiteral("grants.mjs made %1 of %2").arg(grants.size()).arg(count));
    return grants;
}

Result<QList<SandboxGrant>> readGrantsFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return fleetError(QStringLiteral("no grants file at %1").arg(path));
    return parseGrants(file.readAll());
}

Result<void> writeGrantsFile(const QString &path, const QList<SandboxGrant> &grants)
{
    QJsonArray array;
    for (const SandboxGrant &grant : grants) {
        array.append(
            QJsonObject{{QStringLiteral("accessToken"), QString::fromUtf8(grant.accessToken)},
                        {QStringLiteral("refreshToken"), QString::fromUtf8(grant.refreshToken)},
                        {QStringLiteral("expiresIn"), grant.expiresIn},
                        {QStringLiteral("scope"), grant.scopes.join(u' ')}});
    }
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) ||
        !file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner) ||
        file.write(QJsonDocument(array).toJson(QJsonDocument::Compact)) < 0 || !file.flush())
        return fleetError(QStringLiteral("could not write %1").arg(path));
    return {};
}

Result<QList<QUuid>> insertBrandConnections(Workspace &crm, const QList<SandboxGrant> &grants,
                                            const QDateTime &expiresAt)
{
    Db::Transaction transaction(crm.database());
    if (Result<void> r = transaction.begin(); !r)
        return r.error();
    QList<QUuid> ids;
    for (const SandboxGrant &grant : grants) {
        QUuid id;
        if (Result<void> r = insertOne(crm, grant, expiresAt, id); !r)
            return r.error();
        ids.append(id);
    }
    if (Result<void> r = transaction.commit(); !r)
        return r.error();
    return ids;
}

RefreshReuse refreshReuse(const QUrl &issuer)
{
    const QJsonObject answer = control(issuer, QStringLiteral("refresh-reuse"), nullptr);
    if (answer.isEmpty())
        return {};
    return RefreshReuse{answer.value(u"presented").toInt(-1), answer.value(u"distinct").toInt(-1),
                        answer.value(u"reused").toInt(-1), answer.value(u"maxUses").toInt(-1)};
}

RefreshTokenState refreshTokenState(const QUrl &issuer, const QList<QByteArray> &refreshTokens)
{
    RefreshTokenState total{0, 0, 0};
    for (qsizetype from = 0; from < refreshTokens.size(); from += kStateSlice) {
        QJsonArray tokens;
        for (const QByteArray &token : refreshTokens.mid(from, kStateSlice))
            tokens.append(QString::fromUtf8(token));
        const QJsonObject body{{QStringLiteral("tokens"), tokens}};
        const QJsonObject answer = control(issuer, QStringLiteral("refresh-token-state"), &body);
        if (answer.isEmpty())
            return {};
        total.live += answer.value(u"live").toInt();
        total.spent += answer.value(u"spent").toInt();
        total.unknown += answer.value(u"unknown").toInt();
    }
    return total;
}

Result<QList<QByteArray>> storedRefreshTokens(Workspace &crm)
{
    Db::SqlStatement st(crm.database(), QStringLiteral("fleet.refresh-tokens"));
    st.prepare(QStringLiteral("SELECT \"ProtectedRefreshToken\" FROM "
                              "\"SocialCrmIntegrationConnections\" WHERE \"ProviderKey\" = :Key"));
    st.bind(QStringLiteral(":Key"), QStringLiteral("sandbox"));
    if (Result<void> r = st.exec(); !r)
        return r.error();
    QList<QByteArray> tokens;
    while (st.next()) {
        Result<QByteArray> plain =
            crm.protector().unprotect(st.value(QStringLiteral("ProtectedRefreshToken")).toString());
        if (!plain)
            return plain.error();
        tokens.append(plain.value());
    }
    return tokens;
}

} // namespace EasyCrm::Testing
