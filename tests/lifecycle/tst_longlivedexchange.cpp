// Providers without refresh tokens that extend their access tokens themselves (Facebook's
// fb_exchange_token, Instagram's ig_refresh_token), driven by the refresh scheduler on the
// embedded CRM database. The sandbox is an OIDC server and answers neither, so a scripted
// endpoint stands in for Graph, with the catalogue's exchange endpoints pointed at it.
#include "core/crypto/dataprotector.h"
#include "core/db/connectionhistoryrepository.h"
#include "core/db/connectionrepository.h"
#include "core/db/database.h"
#include "core/db/notificationrepository.h"
#include "core/db/providerconfigrepository.h"
#include "core/service/connectionservice.h"
#include "core/service/refreshscheduler.h"
#include "core/service/workspace.h"
#include "models/providerlistmodel.h"
#include "models/translations.h"
#include "tests/lifecycle/faketokenendpoint.h"
#include "tests/support/logcapture.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace EasyCrm;
using namespace EasyCrm::Testing;

namespace {

constexpr int kTimeoutMs = 10000;
constexpr qint64 kWeek = 7 * 86400;
constexpr int kSixtyDays = 5183944; // what Graph answers for a long-lived token
const QByteArray kOldToken = "EAAB-current-long-lived+token/0001";
const QByteArray kNewToken = "EAAB-extended-long-lived-token-0002";
const QByteArray kAppSecret = "facebook-app-secret-0001";
const QString kFacebookPath = QStringLiteral("/v19.0/oauth/access_token");
const QString kInstagramPath = QStringLiteral("/refresh_access_token");

int countRows(Db::Database &db, const QString &table)
{
    QSqlQuery query(db.handle());
    if (!query.exec(QStringLiteral("SELECT COUNT(*) FROM \"%1\"").arg(table)) || !query.next())
        return -1;
    return query.value(0).toInt();
}

// The built-in catalogue with Facebook's and Instagram's exchanges sent to `issuer`.
ProviderCatalogue catalogueExchangingAt(const QUrl &issuer)
{
    QFile file(QStringLiteral(":/easycrm/providers.json"));
    if (!file.open(QIODevice::ReadOnly))
        qFatal("the built-in catalogue is missing");
    QJsonObject root = QJsonDocument::fromJson(file.readAll()).object();
    QJsonArray providers = root.value(u"providers").toArray();
    for (QJsonValueRef value : providers) {
        QJsonObject provider = value.toObject();
        const QString key = provider.value(u"key").toString();
        if (key != u"facebook" && key != u"instagram")
            continue;
        QJsonObject exchange = provider.value(u"longLivedExchange").toObject();
        QUrl endpoint = issuer;
        endpoint.setPath(key == u"facebook" ? kFacebookPath : kInstagramPath);
        exchange.insert(QStringLiteral("endpoint"), endpoint.toString());
        provider.insert(QStringLiteral("longLivedExchange"), exchange);
        value = provider;
    }
    root.insert(QStringLiteral("providers"), providers);
    Result<ProviderCatalogue> catalogue = ProviderCatalogue::fromJson(QJsonDocument(root).toJson());
    if (!catalogue)
        qFatal("the test catalogue is malformed");
    return std::move(catalogue).value();
}

// The form body as a provider decodes it.
QMultiMap<QByteArray, QByteArray> formFields(const QByteArray &body)
{
    QMultiMap<QByteArray, QByteArray> fields;
    for (const QByteArray &pair : body.split('&')) {
        const qsizetype equals = pair.indexOf('=');
        fields.insert(QByteArray::fromPercentEncoding(pair.first(equals)),
                      QByteArray::fromPercentEncoding(pair.sliced(equals + 1)));
    }
    return fields;
}

} // namespace

class TestLongLivedExchange final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void notDueBeforeTheLead();
    void facebookExtendsWithAFormPost();
    void instagramExtendsWithAGetAndNoTokenIsLogged();
    void permanentFailureNeedsReauth_data();
    void permanentFailureNeedsReauth();
    void transientFailureKeepsTheTokenAndBacksOff_data();
    void transientFailureKeepsTheTokenAndBacksOff();
    void backoffNeverOutlastsTheExpiry();
    void expiredTokenIsNeverSent();
    void extensionByAnotherClientIsNotAFailure();
    void unconfiguredFacebookIsALocalFailure();
    void rowWarnsOnlyWhenNothingRenewsTheConnection();

private:
    [[nodiscard]] Db::IntegrationConnection addConnection(const QString &providerKey,
                                                          qint64 expiresInSeconds);
    void configureFacebook(const QString &clientId);
    [[nodiscard]] Db::IntegrationConnection reload(const QUuid &id);
    [[nodiscard]] QByteArray plain(const QString &protectedValue);
    [[nodiscard]] SweepSummary sweepOnce();
    [[nodiscard]] QList<Db::ConnectionHistoryEntry> history(const QUuid &id);

    std::unique_ptr<LogCapture> m_logs;
    QTemporaryDir m_dir;
    std::unique_ptr<ManualClock> m_clock;
    std::unique_ptr<FakeTokenEndpoint> m_endpoint;
    std::unique_ptr<ProviderCatalogue> m_catalogue;
    std::unique_ptr<Workspace> m_workspace;
    std::unique_ptr<RefreshScheduler> m_scheduler;
    int m_run = 0;
};

void TestLongLivedExchange::initTestCase()
{
    m_logs = std::make_unique<LogCapture>();
    QVERIFY(Models::installTranslations(*QCoreApplication::instance(), QLocale::c()));
}

void TestLongLivedExchange::init()
{
    QVERIFY(m_dir.isValid());
    // Whole seconds, so stored and computed times compare exactly.
    const QDateTime now = QDateTime::currentDateTimeUtc();
    m_clock = std::make_unique<ManualClock>(now.addMSecs(-now.time().msec()));
    m_endpoint = std::make_unique<FakeTokenEndpoint>();
    QVERIFY(m_endpoint->listen());
    m_catalogue = std::make_unique<ProviderCatalogue>(catalogueExchangingAt(m_endpoint->issuer()));
    const QString path = m_dir.filePath(QStringLiteral("crm-%1.sqlite").arg(++m_run));
    auto workspace = Workspace::openEmbedded(path, *m_clock);
    QVERIFY2(workspace.ok(), qPrintable(workspace.ok() ? QString() : workspace.error().detail));
    m_workspace = std::move(workspace).value();
    configureFacebook(QStringLiteral("fb-app-1234"));
    m_scheduler = std::make_unique<RefreshScheduler>(
        m_workspace->database(), m_workspace->protector(), *m_catalogue, *m_clock);
    RefreshScheduler::Settings settings;
    settings.networkTimeout = std::chrono::milliseconds(2000);
    m_scheduler->setSettings(settings);
}

void TestLongLivedExchange::cleanup()
{
    m_scheduler.reset();
    m_workspace.reset();
    m_catalogue.reset();
    m_endpoint.reset();
}

void TestLongLivedExchange::configureFacebook(const QString &clientId)
{
    Db::ProviderConfigRepository configs(m_workspace->database());
    auto found = configs.find(m_workspace->user().tenantId, QStringLiteral("facebook"));
    QVERIFY(found.ok() && found.value());
    Db::ProviderConfig config = *found.value();
    config.isEnabled = !clientId.isEmpty();
    config.clientId = clientId;
    config.protectedClientSecret = m_workspace->protector().protect(kAppSecret).value();
    config.lastModificationTime = m_clock->nowUtc();
    QVERIFY(configs.upsert(config).ok());
}

Db::IntegrationConnection TestLongLivedExchange::addConnection(const QString &providerKey,
                                                               qint64 expiresInSeconds)
{
    const SessionUser &user = m_workspace->user();
    Db::IntegrationConnection row;
    row.tenantId = user.tenantId;
    row.ownerUserId = user.userId;
    row.providerKey = providerKey;
    row.externalUserId = QStringLiteral("10150000001");
    row.externalHandle = QStringLiteral("alice");
    row.protectedAccessToken = m_workspace->protector().protect(kOldToken).value();
    row.accessTokenExpiresAt = m_clock->nowUtc().addSecs(expiresInSeconds);
    row.grantedScopes = QStringList{QStringLiteral("public_profile")};
    row.status = Db::ConnectionStatus::Connected;
    row.creationTime = m_clock->nowUtc();
    row.creatorId = user.userId;
    const Result<void> inserted = Db::ConnectionRepository(m_workspace->database()).insert(row);
    if (!inserted)
        qWarning("insert failed: %s", qPrintable(inserted.error().detail));
    return row;
}

Db::IntegrationConnection TestLongLivedExchange::reload(const QUuid &id)
{
    auto found = Db::ConnectionRepository(m_workspace->database()).findById(id);
    return found && found.value() ? *found.value() : Db::IntegrationConnection{};
}

QByteArray TestLongLivedExchange::plain(const QString &protectedValue)
{
    auto value = m_workspace->protector().unprotect(protectedValue);
    return value ? value.value() : QByteArray("<unreadable>");
}

SweepSummary TestLongLivedExchange::sweepOnce()
{
    QSignalSpy finished(m_scheduler.get(), &RefreshScheduler::sweepFinished);
    m_scheduler->sweep();
    if (!finished.wait(kTimeoutMs))
        return SweepSummary{-1};
    return finished.first().first().value<SweepSummary>();
}

QList<Db::ConnectionHistoryEntry> TestLongLivedExchange::history(const QUuid &id)
{
    auto entries = Db::ConnectionHistoryRepository(m_workspace->database()).listForConnection(id);
    return entries ? entries.value() : QList<Db::ConnectionHistoryEntry>{};
}

void TestLongLivedExchange::notDueBeforeTheLead()
{
    const auto row = addConnection(QStringLiteral("facebook"), kWeek + 1);
    QCOMPARE(sweepOnce().due, 0);
    QCOMPARE(m_endpoint->requests().size(), 0);
    QCOMPARE(reload(row.id).protectedAccessToken, row.protectedAccessToken);
}

void TestLongLivedExchange::facebookExtendsWithAFormPost()
{
    const auto row = addConnection(QStringLiteral("facebook"), kWeek);
    m_endpoint->setReply({200, tokenJson(kNewToken, QByteArray(), kSixtyDays)});

    const SweepSummary summary = sweepOnce();
    QCOMPARE(summary.due, 1);
    QCOMPARE(summary.refreshed, 1);
    QVERIFY(summary.allSucceeded());

    // 1. One POST; the secret and the token only in its form body.
    QCOMPARE(m_endpoint->requests().size(), 1);
    const FakeTokenEndpoint::Request &request = m_endpoint->requests().first();
    QCOMPARE(request.method, QByteArray("POST"));
    QCOMPARE(request.target, kFacebookPath.toLatin1());
    const QMultiMap<QByteArray, QByteArray> expected{{"grant_type", "fb_exchange_token"},
                                                     {"fb_exchange_token", kOldToken},
                                                     {"client_id", "fb-app-1234"},
                                                     {"client_secret", kAppSecret}};
    QCOMPARE(formFields(request.body), expected);

    // 2. The new token stored protected, the expiry moved, the next extension planned.
    const auto stored = reload(row.id);
    QVERIFY(stored.protectedAccessToken.startsWith(u"CfDJ8"));
    QCOMPARE(plain(stored.protectedAccessToken), kNewToken);
    QVERIFY(stored.protectedRefreshToken.isEmpty());
    QCOMPARE(stored.accessTokenExpiresAt, m_clock->nowUtc().addSecs(kSixtyDays));
    QCOMPARE(stored.nextRefreshTime, m_clock->nowUtc().addSecs(kSixtyDays - kWeek));
    QCOMPARE(stored.status, Db::ConnectionStatus::Connected);
    QCOMPARE(stored.lastRefreshOutcome, QStringLiteral("Extended"));
    QCOMPARE(stored.lastRefreshTime, m_clock->nowUtc());
    QCOMPARE(stored.grantedScopes, row.grantedScopes);
    QVERIFY(stored.refreshLeaseOwner.isEmpty());

    // 3. The history says when the only credential was replaced; nobody is told anything.
    const auto entries = history(row.id);
    QCOMPARE(entries.size(), 1);
    QCOMPARE(entries.first().fromStatus, Db::ConnectionStatus::Connected);
    QCOMPARE(entries.first().toStatus, Db::ConnectionStatus::Connected);
    QCOMPARE(entries.first().reason, QStringLiteral("AccessTokenExtended"));
    QCOMPARE(countRows(m_workspace->database(), QStringLiteral("AbpEventOutbox")), 0);
    QCOMPARE(countRows(m_workspace->database(), QStringLiteral("SocialCrmNotifications")), 0);

    // 4. The old token is never presented or stored again, and no token is in the file.
    QCOMPARE(sweepOnce().due, 0);
    QCOMPARE(m_endpoint->requests().size(), 1);
    QCOMPARE(plain(reload(row.id).protectedAccessToken), kNewToken);
    m_scheduler.reset();
    m_workspace.reset();
    QFile file(m_dir.filePath(QStringLiteral("crm-%1.sqlite").arg(m_run)));
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray bytes = file.readAll();
    QVERIFY(!bytes.contains(kOldToken));
    QVERIFY(!bytes.contains(kNewToken));
    QVERIFY(!bytes.contains(kAppSecret));
}

void TestLongLivedExchange::instagramExtendsWithAGetAndNoTokenIsLogged()
{
    // Instagram is not configured here: its refresh carries the token alone.
    const auto row = addConnection(QStringLiteral("instagram"), kWeek - 3600);
    m_endpoint->setReply({200, tokenJson(kNewToken, QByteArray(), kSixtyDays)});
    const qsizetype logged = m_logs->lines().size();

    QCOMPARE(sweepOnce().refreshed, 1);

    // 1. What Instagram documents: a GET, the grant and the token in the query, no body.
    QCOMPARE(m_endpoint->requests().size(), 1);
    const FakeTokenEndpoint::Request &request = m_endpoint->requests().first();
    QCOMPARE(request.method, QByteArray("GET"));
    QCOMPARE(request.target,
             kInstagramPath.toLatin1() +
                 "?grant_type=ig_refresh_token&access_token=" + kOldToken.toPercentEncoding());
    QVERIFY(request.body.isEmpty());
    const auto stored = reload(row.id);
    QCOMPARE(plain(stored.protectedAccessToken), kNewToken);
    QCOMPARE(stored.accessTokenExpiresAt, m_clock->nowUtc().addSecs(kSixtyDays));

    // 2. Every category at debug: the request is logged, its token (old or new) never.
    const QStringList lines = m_logs->lines().mid(logged);
    QVERIFY(!lines.isEmpty());
    QVERIFY2(lines.join(u'\n').contains(u"access_token=[redacted]"), qPrintable(lines.join(u'\n')));
    for (const QString &line : lines) {
        for (const QByteArray &token : {kOldToken, kNewToken}) {
            QVERIFY2(!line.contains(QString::fromLatin1(token)), qPrintable(line));
            QVERIFY2(!line.contains(QString::fromLatin1(token.toPercentEncoding())),
                     qPrintable(line));
        }
    }
}

void TestLongLivedExchange::permanentFailureNeedsReauth_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("reason");
    QTest::addColumn<QString>("providerError");

    QTest::newRow("graph-400-token-expired-or-revoked")
        << 400 << graphErrorJson(190) << u"AccessTokenRejected"_qs << u"OAuthException"_qs;
    QTest::newRow("graph-error-in-a-200")
        << 200 << graphErrorJson(190) << u"AccessTokenRejected"_qs << u"OAuthException"_qs;
    QTest::newRow("401-invalid_token")
        << 401 << errorJson("invalid_token") << u"AccessTokenRejected"_qs << u"invalid_token"_qs;
    QTest::newRow("400-invalid_client")
        << 400 << errorJson("invalid_client") << u"ClientRejected"_qs << u"invalid_client"_qs;
}

void TestLongLivedExchange::permanentFailureNeedsReauth()
{
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    QFETCH(QString, reason);
    QFETCH(QString, providerError);
    const auto row = addConnection(QStringLiteral("facebook"), 3 * 86400);
    m_endpoint->setReply({status, body});
    QSignalSpy degraded(m_scheduler.get(), &RefreshScheduler::connectionDegraded);

    // 1. Marked with the reason, said once to the owner and to the server.
    QCOMPARE(sweepOnce().requiresReauth, 1);
    const auto stored = reload(row.id);
    QCOMPARE(stored.status, Db::ConnectionStatus::RequiresReauth);
    QCOMPARE(stored.statusReason, reason);
    QCOMPARE(degraded.size(), 1);
    QCOMPARE(degraded.first().at(2).toString(),
             QStringLiteral("Your Facebook connection needs re-authentication"));
    Db::Database &db = m_workspace->database();
    QSqlQuery events(db.handle());
    QVERIFY(events.exec(QStringLiteral("SELECT \"EventName\", \"EventData\" FROM "
                                       "\"AbpEventOutbox\"")));
    QVERIFY(events.next());
    QCOMPARE(events.value(0).toString(), QStringLiteral("SocialConnectionDegraded"));
    const QJsonObject data = QJsonDocument::fromJson(events.value(1).toByteArray()).object();
    QCOMPARE(data.value(u"providerKey").toString(), QStringLiteral("facebook"));
    QCOMPARE(data.value(u"reason").toString(), reason);
    QCOMPARE(data.value(u"providerError").toString(), providerError);
    QVERIFY(!events.next());
    auto notes = Db::NotificationRepository(db).listForUser(m_workspace->user().tenantId,
                                                            m_workspace->user().userId);
    QCOMPARE(notes.value().size(), 1);
    const auto entries = history(row.id);
    QCOMPARE(entries.size(), 1);
    QCOMPARE(entries.first().toStatus, Db::ConnectionStatus::RequiresReauth);
    QCOMPARE(entries.first().providerError, providerError);

    // 2. Never asked again.
    m_clock->advance(86400);
    QCOMPARE(sweepOnce().due, 0);
    QCOMPARE(m_endpoint->requests().size(), 1);
    QCOMPARE(countRows(db, QStringLiteral("AbpEventOutbox")), 1);
}

void TestLongLivedExchange::transientFailureKeepsTheTokenAndBacksOff_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");
    QTest::newRow("503") << 503 << QByteArray("<html>down</html>");
    QTest::newRow("429") << 429 << graphErrorJson(4);
    QTest::newRow("500-OAuthException") << 500 << graphErrorJson(190);
    QTest::newRow("graph-400-app-rate-limit")
        << 400 << graphErrorJson(4, "OAuthException", "(#4) Application request limit reached");
    QTest::newRow("graph-403-user-rate-limit") << 403 << graphErrorJson(17);
    QTest::newRow("200-not-json") << 200 << QByteArray("<html>portal</html>");
}

void TestLongLivedExchange::transientFailureKeepsTheTokenAndBacksOff()
{
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    const auto row = addConnection(QStringLiteral("facebook"), 3 * 86400);
    m_endpoint->setReply({status, body});

    const SweepSummary summary = sweepOnce();
    QCOMPARE(summary.transientFailures, 1);
    const auto stored = reload(row.id);
    QCOMPARE(stored.status, Db::ConnectionStatus::Connected);
    QCOMPARE(stored.protectedAccessToken, row.protectedAccessToken);
    QCOMPARE(stored.accessTokenExpiresAt, row.accessTokenExpiresAt);
    QCOMPARE(stored.refreshFailureCount, 1);
    QCOMPARE(stored.nextRefreshTime, m_clock->nowUtc().addSecs(60));
    QVERIFY(stored.refreshLeaseOwner.isEmpty());
    QCOMPARE(countRows(m_workspace->database(), QStringLiteral("AbpEventOutbox")), 0);
    QCOMPARE(countRows(m_workspace->database(), QStringLiteral("SocialCrmNotifications")), 0);
    QVERIFY(history(row.id).isEmpty());

    // The extension is failing: from now on the row warns the person in time.
    const ProviderDescriptor &facebook = *m_catalogue->find(QStringLiteral("facebook"));
    QCOMPARE(RefreshScheduler::expiryWarningTime(stored, facebook),
             row.accessTokenExpiresAt.addSecs(-kWeek));

    // Retried after the backoff, and a success clears the failure.
    QCOMPARE(sweepOnce().due, 0);
    m_clock->advance(60);
    m_endpoint->setReply({200, tokenJson(kNewToken, QByteArray(), kSixtyDays)});
    QCOMPARE(sweepOnce().refreshed, 1);
    QCOMPARE(reload(row.id).refreshFailureCount, 0);
    QVERIFY(!RefreshScheduler::expiryWarningTime(reload(row.id), facebook).isValid());
    QCOMPARE(m_endpoint->requests().size(), 2);
}

void TestLongLivedExchange::backoffNeverOutlastsTheExpiry()
{
    RefreshScheduler::Settings settings = m_scheduler->settings();
    settings.backoffBase = std::chrono::seconds(3600);
    m_scheduler->setSettings(settings);
    const auto row = addConnection(QStringLiteral("facebook"), 90);
    m_endpoint->setReply({503, {}});
    QCOMPARE(sweepOnce().transientFailures, 1);
    QCOMPARE(reload(row.id).nextRefreshTime, m_clock->nowUtc().addSecs(3600));

    // The backoff would wait an hour; the token is dead in 90 s, and then re-auth is due.
    m_clock->advance(89);
    QCOMPARE(sweepOnce().due, 0);
    m_clock->advance(1);
    QCOMPARE(sweepOnce().requiresReauth, 1);
    QCOMPARE(m_endpoint->requests().size(), 1);
    QCOMPARE(reload(row.id).statusReason, QStringLiteral("AccessTokenExpired"));
}

void TestLongLivedExchange::expiredTokenIsNeverSent()
{
    // Expired while no sweep ran (the app was closed).
    const auto row = addConnection(QStringLiteral("instagram"), -1);
    m_endpoint->setReply({200, tokenJson(kNewToken, QByteArray(), kSixtyDays)});
    QSignalSpy degraded(m_scheduler.get(), &RefreshScheduler::connectionDegraded);

    QCOMPARE(sweepOnce().requiresReauth, 1);
    QCOMPARE(m_endpoint->requests().size(), 0);
    const auto stored = reload(row.id);
    QCOMPARE(stored.status, Db::ConnectionStatus::RequiresReauth);
    QCOMPARE(stored.statusReason, QStringLiteral("AccessTokenExpired"));
    QCOMPARE(degraded.size(), 1);
    QCOMPARE(degraded.first().at(2).toString(),
             QStringLiteral("Your Instagram connection needs re-authentication"));
    QCOMPARE(countRows(m_workspace->database(), QStringLiteral("AbpEventOutbox")), 1);
    QCOMPARE(countRows(m_workspace->database(), QStringLiteral("SocialCrmNotifications")), 1);
    QCOMPARE(history(row.id).size(), 1);
}

void TestLongLivedExchange::extensionByAnotherClientIsNotAFailure()
{
    const auto row = addConnection(QStringLiteral("facebook"), 3600);
    m_endpoint->setHolding(true);
    m_endpoint->setReply({400, graphErrorJson(190)});
    QSignalSpy finished(m_scheduler.get(), &RefreshScheduler::sweepFinished);
    m_scheduler->sweep();
    QTRY_COMPARE(m_endpoint->heldCount(), 1);

    // 1. Meanwhile another client (its lease lapsed) stored an extended token; Graph then
    // refuses ours, which that extension replaced.
    auto current = reload(row.id);
    current.protectedAccessToken = m_workspace->protector().protect("EAAB-other").value();
    current.accessTokenExpiresAt = m_clock->nowUtc().addSecs(kSixtyDays);
    QVERIFY(Db::ConnectionRepository(m_workspace->database())
                .update(current, current.concurrencyStamp)
                .ok());
    m_endpoint->release();
    QVERIFY(finished.wait(kTimeoutMs));

    // 2. Still Connected with the other client's token.
    QCOMPARE(finished.first().first().value<SweepSummary>().refreshedElsewhere, 1);
    const auto stored = reload(row.id);
    QCOMPARE(stored.status, Db::ConnectionStatus::Connected);
    QCOMPARE(plain(stored.protectedAccessToken), QByteArray("EAAB-other"));
    QCOMPARE(countRows(m_workspace->database(), QStringLiteral("AbpEventOutbox")), 0);
}

void TestLongLivedExchange::unconfiguredFacebookIsALocalFailure()
{
    // Facebook's exchange needs the app's id and secret; without them nothing is sent.
    configureFacebook(QString());
    const auto row = addConnection(QStringLiteral("facebook"), 3 * 86400);
    const SweepSummary summary = sweepOnce();
    QCOMPARE(summary.failed, 1);
    QCOMPARE(m_endpoint->requests().size(), 0);
    const auto stored = reload(row.id);
    QCOMPARE(stored.status, Db::ConnectionStatus::Connected);
    QCOMPARE(stored.refreshFailureCount, 1);
    QCOMPARE(stored.lastRefreshOutcome, QStringLiteral("ProviderNotConfigured"));
    QVERIFY(stored.refreshLeaseOwner.isEmpty());
}

void TestLongLivedExchange::rowWarnsOnlyWhenNothingRenewsTheConnection()
{
    // 1. LinkedIn without an approved app's refresh token: nothing renews it.
    const auto linkedin = addConnection(QStringLiteral("linkedin"), 3 * 3600 + 59);
    // 2. Facebook's exchange renews it, so its row does not warn...
    (void)addConnection(QStringLiteral("facebook"), 3 * 86400 + 59);
    // ...until its exchange starts failing.
    const auto instagram = addConnection(QStringLiteral("instagram"), 3 * 86400 + 59);
    Db::IntegrationConnection failing = reload(instagram.id);
    failing.refreshFailureCount = 2;
    failing.nextRefreshTime = m_clock->nowUtc().addSecs(600);
    QVERIFY(Db::ConnectionRepository(m_workspace->database())
                .update(failing, failing.concurrencyStamp)
                .ok());

    ConnectionService service(m_workspace->database(), m_workspace->protector(), *m_catalogue,
                              m_workspace->user(), *m_clock);
    const auto statuses = service.providerStatuses();
    QVERIFY(statuses.ok());
    Models::ProviderListModel model(m_clock.get());
    model.setStatuses(statuses.value());
    const auto text = [&model](const char *key) {
        return model.index(model.rowOf(QString::fromLatin1(key)))
            .data(Models::ProviderListModel::StateTextRole)
            .toString();
    };
    QCOMPARE(text("linkedin"), QStringLiteral("Connected as @alice. Expires in 3 hours — "
                                              "reconnect to keep it working."));
    QCOMPARE(text("facebook"), QStringLiteral("Connected as @alice. Last sync: never."));
    QCOMPARE(text("instagram"), QStringLiteral("Connected as @alice. Expires in 3 days — "
                                               "reconnect to keep it working."));
    const ProviderStatus shown = *model.statusFor(QStringLiteral("linkedin"));
    QCOMPARE(shown.expiresAtUtc, linkedin.accessTokenExpiresAt);
    QCOMPARE(shown.expiryWarningUtc, linkedin.accessTokenExpiresAt.addSecs(-86400));

    // 3. Once it has expired, the next sweep turns the row to Requires Re-auth.
    m_clock->advance(3 * 3600 + 59);
    model.refresh();
    QCOMPARE(text("linkedin"), QStringLiteral("Connected as @alice. Access has expired — "
                                              "reconnect to restore it."));
    QVERIFY(sweepOnce().requiresReauth >= 1);
    model.setStatuses(service.providerStatuses().value());
    QCOMPARE(text("linkedin"), QStringLiteral("Requires Re-auth"));
}

QTEST_GUILESS_MAIN(TestLongLivedExchange)
#include "tst_longlivedexchange.moc"
