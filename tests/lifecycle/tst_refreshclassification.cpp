// Which refresh failures end a connection and which are waited out (RFC 6749 §5.2, RFC 6585
// §4), the same for long-lived exchanges, the backoff that spaces the retries, and when a
// connection is due or shown as expiring.
#include "core/common/result.h"
#include "core/db/entities.h"
#include "core/service/refreshscheduler.h"

#include <QTest>

using namespace EasyCrm;

Q_DECLARE_METATYPE(EasyCrm::ErrorCode)
Q_DECLARE_METATYPE(EasyCrm::RefreshFailureKind)

class TestRefreshClassification final : public QObject
{
    Q_OBJECT

private slots:
    void classify_data();
    void classify();
    void classifyExchange_data();
    void classifyExchange();
    void dueAndWarningTimes_data();
    void dueAndWarningTimes();
    void backoffDoublesUpToItsCap();
    void reauthMessageNamesTheProvider();
};

void TestRefreshClassification::classify_data()
{
    QTest::addColumn<ErrorCode>("code");
    QTest::addColumn<int>("httpStatus");
    QTest::addColumn<QString>("providerError");
    QTest::addColumn<RefreshFailureKind>("expected");

    const auto permanent = RefreshFailureKind::Permanent;
    const auto transient = RefreshFailureKind::Transient;
    QTest::newRow("400-invalid_grant")
        << ErrorCode::HttpError << 400 << u"invalid_grant"_qs << permanent;
    QTest::newRow("401-invalid_client")
        << ErrorCode::HttpError << 401 << u"invalid_client"_qs << permanent;
    QTest::newRow("400-unauthorized_client")
        << ErrorCode::HttpError << 400 << u"unauthorized_client"_qs << permanent;
    // Instagram-style: an error object in a 200 answer.
    QTest::newRow("200-error-body-invalid_grant")
        << ErrorCode::ErrorResponse << 0 << u"invalid_grant"_qs << permanent;
    QTest::newRow("400-invalid_request")
        << ErrorCode::HttpError << 400 << u"invalid_request"_qs << transient;
    QTest::newRow("401-no-error-code") << ErrorCode::HttpError << 401 << QString() << transient;
    QTest::newRow("503") << ErrorCode::HttpError << 503 << QString() << transient;
    QTest::newRow("500-claiming-invalid_grant")
        << ErrorCode::HttpError << 500 << u"invalid_grant"_qs << transient;
    QTest::newRow("429-slow-down")
        << ErrorCode::HttpError << 429 << u"invalid_grant"_qs << transient;
    QTest::newRow("503-temporarily_unavailable")
        << ErrorCode::HttpError << 503 << u"temporarily_unavailable"_qs << transient;
    QTest::newRow("network-error") << ErrorCode::NetworkError << 0 << QString() << transient;
    QTest::newRow("timeout") << ErrorCode::Timeout << 0 << QString() << transient;
    QTest::newRow("html-instead-of-json")
        << ErrorCode::MalformedResponse << 200 << QString() << transient;
    QTest::newRow("missing-access-token")
        << ErrorCode::MissingAccessToken << 200 << QString() << transient;
    // A local failure carrying a look-alike code is not the provider's verdict.
    QTest::newRow("local-error-with-code")
        << ErrorCode::DatabaseError << 0 << u"invalid_grant"_qs << transient;
}

void TestRefreshClassification::classify()
{
    QFETCH(ErrorCode, code);
    QFETCH(int, httpStatus);
    QFETCH(QString, providerError);
    QFETCH(RefreshFailureKind, expected);

    Error error = makeError(code, QStringLiteral("message"));
    error.httpStatus = httpStatus;
    error.providerError = providerError;
    QCOMPARE(classifyRefreshFailure(error), expected);
}

void TestRefreshClassification::classifyExchange_data()
{
    QTest::addColumn<ErrorCode>("code");
    QTest::addColumn<int>("httpStatus");
    QTest::addColumn<QString>("providerError");
    QTest::addColumn<RefreshFailureKind>("expected");

    const auto permanent = RefreshFailureKind::Permanent;
    const auto transient = RefreshFailureKind::Transient;
    // Graph: error 190 (expired, revoked, password changed) and every other refusal.
    QTest::newRow("400-OAuthException")
        << ErrorCode::HttpError << 400 << u"OAuthException"_qs << permanent;
    QTest::newRow("200-error-body-OAuthException")
        << ErrorCode::ErrorResponse << 0 << u"OAuthException"_qs << permanent;
    QTest::newRow("401-invalid_token")
        << ErrorCode::HttpError << 401 << u"invalid_token"_qs << permanent;
    QTest::newRow("400-invalid_request")
        << ErrorCode::HttpError << 400 << u"invalid_request"_qs << permanent;
    QTest::newRow("401-invalid_client")
        << ErrorCode::HttpError << 401 << u"invalid_client"_qs << permanent;
    // Graph's rate limits arrive with 400 or 403; the token client names them.
    QTest::newRow("400-rate-limited")
        << ErrorCode::HttpError << 400 << u"temporarily_unavailable"_qs << transient;
    QTest::newRow("400-slow_down") << ErrorCode::HttpError << 400 << u"slow_down"_qs << transient;
    QTest::newRow("400-without-error-code")
        << ErrorCode::HttpError << 400 << QString() << transient;
    QTest::newRow("500-OAuthException")
        << ErrorCode::HttpError << 500 << u"OAuthException"_qs << transient;
    QTest::newRow("429") << ErrorCode::HttpError << 429 << u"OAuthException"_qs << transient;
    QTest::newRow("network-error") << ErrorCode::NetworkError << 0 << QString() << transient;
    QTest::newRow("timeout") << ErrorCode::Timeout << 0 << QString() << transient;
    QTest::newRow("html-instead-of-json")
        << ErrorCode::MalformedResponse << 200 << QString() << transient;
    QTest::newRow("local-error-with-code")
        << ErrorCode::DatabaseError << 0 << u"OAuthException"_qs << transient;
}

void TestRefreshClassification::classifyExchange()
{
    QFETCH(ErrorCode, code);
    QFETCH(int, httpStatus);
    QFETCH(QString, providerError);
    QFETCH(RefreshFailureKind, expected);

    Error error = makeError(code, QStringLiteral("message"));
    error.httpStatus = httpStatus;
    error.providerError = providerError;
    QCOMPARE(classifyExchangeFailure(error), expected);
}

void TestRefreshClassification::dueAndWarningTimes_data()
{
    QTest::addColumn<QString>("provider");
    QTest::addColumn<bool>("hasRefreshToken");
    QTest::addColumn<int>("failures");
    QTest::addColumn<qint64>("nextRefreshIn"); // 0: none
    QTest::addColumn<qint64>("dueIn");         // relative to now, seconds
    QTest::addColumn<qint64>("warnedIn");      // -1: never warned

    // The access token expires in 30 days; "now" is 0.
    constexpr qint64 expiresIn = 30 * 86400;
    constexpr qint64 week = 7 * 86400;
    QTest::newRow("refresh-token-lead-no-warning")
        << u"linkedin"_qs << true << 0 << qint64(0) << expiresIn - 86400 << qint64(-1);
    QTest::newRow("no-refresh-token-due-at-expiry-warned-for-lead")
        << u"linkedin"_qs << false << 0 << qint64(0) << expiresIn << expiresIn - 86400;
    QTest::newRow("exchange-lead-no-warning")
        << u"facebook"_qs << false << 0 << qint64(0) << expiresIn - week << qint64(-1);
    QTest::newRow("exchange-failing-warned-for-lead")
        << u"instagram"_qs << false << 1 << qint64(60) << qint64(60) << expiresIn - week;
    QTest::newRow("exchange-backoff-capped-at-expiry")
        << u"facebook"_qs << false << 5 << expiresIn + 3600 << expiresIn << expiresIn - week;
    QTest::newRow("refresh-backoff-not-capped")
        << u"sandbox"_qs << true << 5 << expiresIn + 3600 << expiresIn + 3600 << qint64(-1);
}

void TestRefreshClassification::dueAndWarningTimes()
{
    QFETCH(QString, provider);
    QFETCH(bool, hasRefreshToken);
    QFETCH(int, failures);
    QFETCH(qint64, nextRefreshIn);
    QFETCH(qint64, dueIn);
    QFETCH(qint64, warnedIn);

    const QDateTime now(QDate(2024, 5, 6), QTime(10, 0), Qt::UTC);
    Db::IntegrationConnection row;
    row.providerKey = provider;
    row.accessTokenExpiresAt = now.addSecs(30 * 86400);
    row.protectedRefreshToken = hasRefreshToken ? QStringLiteral("CfDJ8-refresh") : QString();
    row.refreshFailureCount = failures;
    row.nextRefreshTime = nextRefreshIn ? now.addSecs(nextRefreshIn) : QDateTime();
    const ProviderDescriptor &descriptor = *ProviderCatalogue::builtIn().find(provider);
    QCOMPARE(RefreshScheduler::dueTime(row, descriptor), now.addSecs(dueIn));
    const QDateTime warned = RefreshScheduler::expiryWarningTime(row, descriptor);
    QCOMPARE(warned, warnedIn < 0 ? QDateTime() : now.addSecs(warnedIn));

    // Without a known expiry nothing is ever due or expiring (Mastodon).
    row.accessTokenExpiresAt = QDateTime();
    QVERIFY(!RefreshScheduler::expiryWarningTime(row, descriptor).isValid());
}

void TestRefreshClassification::backoffDoublesUpToItsCap()
{
    RefreshScheduler::Settings settings;
    settings.backoffBase = std::chrono::seconds(30);
    settings.backoffMax = std::chrono::seconds(200);
    QList<qint64> waits;
    for (int failures : {0, 1, 2, 3, 4, 5, 1000})
        waits << RefreshScheduler::backoff(failures, settings).count();
    QCOMPARE(waits, (QList<qint64>{30, 30, 60, 120, 200, 200, 200}));
}

void TestRefreshClassification::reauthMessageNamesTheProvider()
{
    QCOMPARE(RefreshScheduler::reauthMessage(QStringLiteral("LinkedIn")),
             QStringLiteral("Your LinkedIn connection needs re-authentication"));
}

QTEST_GUILESS_MAIN(TestRefreshClassification)
#include "tst_refreshclassification.moc"
