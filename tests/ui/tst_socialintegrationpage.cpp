#include "models/providerlistmodel.h"
#include "models/translations.h"
#include "tests/ui/samplestatuses.h"
#include "ui/socialintegrationpage.h"
#include "ui/theme.h"

#include <QApplication>
#include <QClipboard>
#include <QDialog>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>
#include <QToolButton>
#include <QToolTip>
#include <QUrlQuery>

#include <memory>

using namespace EasyCrm;
using namespace EasyCrm::Testing;
using EasyCrm::Models::ProviderListModel;
using EasyCrm::Ui::SocialIntegrationPage;

namespace {

const QString kUnconfiguredTip =
    QStringLiteral("Contact your administrator to enable this provider");

// What a loopback flow sends the browser to; the state must never be shown on screen.
const QByteArray kAuthorizeUrl =
    "http://127.0.0.1:4010/auth?response_type=code&client_id=easycrm-desktop"
    "&redirect_uri=http%3A%2F%2F127.0.0.1%3A53682%2Fapi%2Fintegrations%2Fsocial%2Fcallback"
    "&scope=openid%20profile%20offline_access&code_challenge_method=S256"
    "&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    "&state=Zm9vYmFyLXN0YXRlLXRoYXQtbXVzdC1uZXZlci1iZS1zaG93bg";

} // namespace

class TestSocialIntegrationPage final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void showsTitleAndOneRowPerProvider();
    void showsExactStateTexts_data();
    void showsExactStateTexts();
    void unconfiguredConnectIsDisabledWithTooltip_data();
    void unconfiguredConnectIsDisabledWithTooltip();
    void unconfiguredTooltipShowsOnHover();
    void actionButtonEmitsItsRequest_data();
    void actionButtonEmitsItsRequest();
    void waitingShowsCancelAndCopyLinkButNotTheUrl();
    void waitingDisablesEveryOtherAction();
    void anotherPagesAttemptDisablesEveryAction();
    void cancelEmitsCancelRequested();
    void copyLinkPutsTheExactUrlOnTheClipboard();
    void phasesReplaceTheWaitingText_data();
    void phasesReplaceTheWaitingText();
    void outcomeIsInlineAndPlainText_data();
    void outcomeIsInlineAndPlainText();
    void successEndsTheWaiting();
    void messageCanBeDismissed();
    void relativeTimeFollowsTheClock();
    void modelResetKeepsTheWaitingPanel();
    void clickThatReplacesTheRowsIsSafe();
    void emptyModelExplainsWhy();
    void disconnectedRowShowsOnlyItsState();

private:
    template<typename T> T *child(const QString &name) const
    {
        T *found = m_page->findChild<T *>(name);
        if (!found)
            qWarning("no child named %s", qPrintable(name));
        return found;
    }
    QPushButton *button(const char *key) const;
    QString stateText(const char *key) const;
    QWidget *waitingPanel() const { return child<QWidget>(QStringLiteral("waitingPanel")); }
    QWidget *messageStrip() const { return child<QWidget>(QStringLiteral("messageStrip")); }

    std::unique_ptr<ManualClock> m_clock;
    std::unique_ptr<ProviderListModel> m_model;
    std::unique_ptr<SocialIntegrationPage> m_page;
};

void TestSocialIntegrationPage::initTestCase()
{
    QVERIFY(Models::installTranslations(*qApp, QLocale::c()));
    Ui::Theme::applyAppearance(*qApp);
}

void TestSocialIntegrationPage::init()
{
    m_clock = std::make_unique<ManualClock>(sampleNow());
    m_model = std::make_unique<ProviderListModel>(m_clock.get());
    m_model->setStatuses(sampleStatuses());
    m_page = std::make_unique<SocialIntegrationPage>(m_model.get());
    m_page->resize(760, 900);
    m_page->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_page.get()));
}

void TestSocialIntegrationPage::cleanup()
{
    m_page.reset();
    m_model.reset();
    m_clock.reset();
}

QPushButton *TestSocialIntegrationPage::button(const char *key) const
{
    return child<QPushButton>(QStringLiteral("connectButton_") + QLatin1String(key));
}

QString TestSocialIntegrationPage::stateText(const char *key) const
{
    const auto *label = child<QLabel>(QStringLiteral("stateLabel_") + QLatin1String(key));
    return label ? label->text() : QString();
}

void TestSocialIntegrationPage::showsTitleAndOneRowPerProvider()
{
    QCOMPARE(child<QLabel>(QStringLiteral("pageTitle"))->text(),
             QStringLiteral("Social Integration"));
    for (const ProviderStatus &status : sampleStatuses()) {
        const auto *row = child<QWidget>(QStringLiteral("providerRow_") + status.providerKey);
        QVERIFY2(row && row->isVisible(), qPrintable(status.providerKey));
        QCOMPARE(child<QLabel>(QStringLiteral("nameLabel_") + status.providerKey)->text(),
                 status.providerName);
    }
    QVERIFY(!child<QWidget>(QStringLiteral("emptyLabel"))->isVisible());
    QVERIFY(!waitingPanel()->isVisible());
    QVERIFY(!messageStrip()->isVisible());
}

void TestSocialIntegrationPage::showsExactStateTexts_data()
{
    QTest::addColumn<QByteArray>("key");
    QTest::addColumn<QString>("state");
    QTest::addColumn<QString>("action");

    QTest::newRow("connected-synced-now")
        << QByteArray("sandbox") << QStringLiteral("Connected as @alice. Last sync: just now.")
        << QStringLiteral("Disconnect");
    QTest::newRow("connected-handle-already-with-at")
        << QByteArray("instagram")
        << QStringLiteral("Connected as @acme.studio. Last sync: 3 hours ago.")
        << QStringLiteral("Disconnect");
    QTest::newRow("connected-never-synced")
        << QByteArray("mastodon")
        << QStringLiteral("Connected as @acme@mastodon.social. Last sync: never.")
        << QStringLiteral("Disconnect");
    QTest::newRow("requires-reauth") << QByteArray("linkedin") << QStringLiteral("Requires Re-auth")
                                     << QStringLiteral("Reconnect");
    QTest::newRow("not-connected")
        << QByteArray("facebook") << QStringLiteral("Not Connected") << QStringLiteral("Connect");
    QTest::newRow("unconfigured") << QByteArray("x") << QStringLiteral("Not Connected")
                                  << QStringLiteral("Connect");
}

void TestSocialIntegrationPage::showsExactStateTexts()
{
    QFETCH(QByteArray, key);
    QFETCH(QString, state);
    QFETCH(QString, action);

    QCOMPARE(stateText(key.constData()), state);
    QCOMPARE(button(key.constData())->text(), action);
}

void TestSocialIntegrationPage::unconfiguredConnectIsDisabledWithTooltip_data()
{
    QTest::addColumn<QByteArray>("key");
    QTest::addColumn<bool>("configured");
    QTest::newRow("x-unconfigured") << QByteArray("x") << false;
    QTest::newRow("tiktok-unconfigured") << QByteArray("tiktok") << false;
    QTest::newRow("facebook-configured") << QByteArray("facebook") << true;
}

void TestSocialIntegrationPage::unconfiguredConnectIsDisabledWithTooltip()
{
    QFETCH(QByteArray, key);
    QFETCH(bool, configured);

    QPushButton *connect = button(key.constData());
    const auto *holder = child<QWidget>(QStringLiteral("actionHolder_") + QLatin1String(key));
    QCOMPARE(connect->isEnabled(), configured);
    const QString expectedTip = configured ? QString() : kUnconfiguredTip;
    QCOMPARE(connect->toolTip(), expectedTip);
    QCOMPARE(holder->toolTip(), expectedTip);
    // Also said on the row itself, for whoever never hovers.
    const auto *note = child<QLabel>(QStringLiteral("reasonLabel_") + QLatin1String(key));
    QCOMPARE(note->isVisible(), !configured);
    if (!configured)
        QCOMPARE(note->text(), kUnconfiguredTip);
}

void TestSocialIntegrationPage::unconfiguredTooltipShowsOnHover()
{
    QPushButton *connect = button("x");
    QVERIFY(!connect->isEnabled());
    QTest::mouseMove(connect, connect->rect().center());
    QTRY_VERIFY(QToolTip::isVisible());
    QCOMPARE(QToolTip::text(), kUnconfiguredTip);
    QToolTip::hideText();
}

void TestSocialIntegrationPage::actionButtonEmitsItsRequest_data()
{
    QTest::addColumn<QByteArray>("key");
    QTest::addColumn<QByteArray>("expectedSignal");
    QTest::newRow("not-connected-connects") << QByteArray("facebook") << QByteArray("connect");
    QTest::newRow("connected-disconnects") << QByteArray("sandbox") << QByteArray("disconnect");
    QTest::newRow("requires-reauth-reconnects")
        << QByteArray("linkedin") << QByteArray("reconnect");
}

void TestSocialIntegrationPage::actionButtonEmitsItsRequest()
{
    QFETCH(QByteArray, key);
    QFETCH(QByteArray, expectedSignal);

    QSignalSpy connectSpy(m_page.get(), &SocialIntegrationPage::connectRequested);
    QSignalSpy disconnectSpy(m_page.get(), &SocialIntegrationPage::disconnectRequested);
    QSignalSpy reconnectSpy(m_page.get(), &SocialIntegrationPage::reconnectRequested);
    QTest::mouseClick(button(key.constData()), Qt::LeftButton);

    QSignalSpy &expected = expectedSignal == "connect"      ? connectSpy
                           : expectedSignal == "disconnect" ? disconnectSpy
                                                            : reconnectSpy;
    QCOMPARE(expected.count(), 1);
    QCOMPARE(expected.at(0).at(0).toString(), QString::fromLatin1(key));
    QCOMPARE(connectSpy.count() + disconnectSpy.count() + reconnectSpy.count(), 1);
}

void TestSocialIntegrationPage::waitingShowsCancelAndCopyLinkButNotTheUrl()
{
    const QUrl url = QUrl::fromEncoded(kAuthorizeUrl, QUrl::StrictMode);
    m_page->showWaiting(QStringLiteral("facebook"), url);

    QVERIFY(waitingPanel()->isVisible());
    QCOMPARE(m_page->waitingProviderKey(), QStringLiteral("facebook"));
    QVERIFY(child<QPushButton>(QStringLiteral("cancelButton"))->isVisible());
    QVERIFY(child<QPushButton>(QStringLiteral("copyLinkButton"))->isEnabled());
    const auto *progress = waitingPanel()->findChild<QProgressBar *>();
    QVERIFY(progress && progress->isVisible());
    QCOMPARE(progress->maximum(), 0); // indeterminate
    QCOMPARE(child<QLabel>(QStringLiteral("waitingTitle"))->text(),
             QStringLiteral("Waiting for you to finish in the browser…"));

    // Right under its provider, not somewhere else on the page.
    const QWidget *row = child<QWidget>(QStringLiteral("providerRow_facebook"));
    const QWidget *next = child<QWidget>(QStringLiteral("providerRow_instagram"));
    QTRY_VERIFY(waitingPanel()->y() > row->y() && waitingPanel()->y() < next->y());

    // The URL carries the state: no label or field on the page may show it.
    const QString state = QUrlQuery(url).queryItemValue(QStringLiteral("state"));
    for (const QLabel *label : m_page->findChildren<QLabel *>()) {
        QVERIFY2(!label->text().contains(state), qPrintable(label->objectName()));
        QVERIFY(!label->text().contains(QStringLiteral("127.0.0.1")));
    }
    QVERIFY(m_page->findChildren<QLineEdit *>().isEmpty());
    QVERIFY(!child<QPushButton>(QStringLiteral("copyLinkButton"))->toolTip().contains(state));
}

void TestSocialIntegrationPage::waitingDisablesEveryOtherAction()
{
    m_page->showWaiting(QStringLiteral("facebook"),
                        QUrl::fromEncoded(kAuthorizeUrl, QUrl::StrictMode));
    for (const char *key : {"youtube", "facebook", "linkedin", "sandbox"}) {
        QVERIFY2(!button(key)->isEnabled(), key);
        QVERIFY(!button(key)->toolTip().isEmpty());
    }
    // The unconfigured provider keeps its own reason.
    QCOMPARE(button("x")->toolTip(), kUnconfiguredTip);

    QSignalSpy connectSpy(m_page.get(), &SocialIntegrationPage::connectRequested);
    QTest::mouseClick(button("youtube"), Qt::LeftButton);
    QCOMPARE(connectSpy.count(), 0);
}

void TestSocialIntegrationPage::anotherPagesAttemptDisablesEveryAction()
{
    // Brand Accounts shares the service's one attempt at a time.
    m_page->setOtherAttemptRunning(true);
    for (const char *key : {"youtube", "facebook", "linkedin", "sandbox"}) {
        QVERIFY2(!button(key)->isEnabled(), key);
        QCOMPARE(button(key)->toolTip(),
                 QStringLiteral("Finish or cancel the connection in progress first."));
    }
    QCOMPARE(button("x")->toolTip(), kUnconfiguredTip);
    // Rows built while it runs, and the end of an attempt of this page, keep it.
    m_model->setStatuses(sampleStatuses().mid(1));
    QVERIFY(!button("facebook")->isEnabled());
    m_page->clearWaiting();
    QVERIFY(!button("facebook")->isEnabled());
    QVERIFY(!waitingPanel()->isVisible());

    m_page->setOtherAttemptRunning(false);
    QVERIFY(button("facebook")->isEnabled());
    QVERIFY(button("facebook")->toolTip().isEmpty());
}

void TestSocialIntegrationPage::cancelEmitsCancelRequested()
{
    m_page->showWaiting(QStringLiteral("facebook"),
                        QUrl::fromEncoded(kAuthorizeUrl, QUrl::StrictMode));
    QSignalSpy cancelSpy(m_page.get(), &SocialIntegrationPage::cancelRequested);

    QTest::mouseClick(child<QPushButton>(QStringLiteral("cancelButton")), Qt::LeftButton);

    QCOMPARE(cancelSpy.count(), 1);
    QVERIFY(!waitingPanel()->isVisible());
    QVERIFY(m_page->waitingProviderKey().isEmpty());
    QVERIFY(button("facebook")->isEnabled());
    QVERIFY(button("facebook")->toolTip().isEmpty());
    QVERIFY(!button("x")->isEnabled());
}

void TestSocialIntegrationPage::copyLinkPutsTheExactUrlOnTheClipboard()
{
    const QUrl url = QUrl::fromEncoded(kAuthorizeUrl, QUrl::StrictMode);
    m_page->showWaiting(QStringLiteral("facebook"), url);
    QGuiApplication::clipboard()->clear();

    QTest::mouseClick(child<QPushButton>(QStringLiteral("copyLinkButton")), Qt::LeftButton);

    // Byte for byte: a re-encoded redirect_uri would no longer match the registered one.
    QCOMPARE(QGuiApplication::clipboard()->text(), QString::fromLatin1(kAuthorizeUrl));
    QVERIFY(messageStrip()->isVisible());
    QVERIFY(waitingPanel()->isVisible());
    const QString shown = child<QLabel>(QStringLiteral("messageText"))->text();
    QVERIFY(!shown.contains(QStringLiteral("127.0.0.1")));
}

void TestSocialIntegrationPage::phasesReplaceTheWaitingText_data()
{
    QTest::addColumn<FlowPhase>("phase");
    QTest::addColumn<QString>("title");
    QTest::addColumn<bool>("copyEnabled");

    QTest::newRow("preparing") << FlowPhase::Preparing
                               << QStringLiteral("Preparing the connection…") << false;
    QTest::newRow("waiting-for-browser") << FlowPhase::WaitingForBrowser
                                         << QStringLiteral("Waiting for you to finish in the "
                                                           "browser…")
                                         << true;
    QTest::newRow("exchanging") << FlowPhase::Exchanging
                                << QStringLiteral("Exchanging the authorization…") << false;
    QTest::newRow("verifying") << FlowPhase::Verifying << QStringLiteral("Verifying the account…")
                               << false;
    QTest::newRow("saving") << FlowPhase::Saving << QStringLiteral("Saving the connection…")
                            << false;
}

void TestSocialIntegrationPage::phasesReplaceTheWaitingText()
{
    QFETCH(FlowPhase, phase);
    QFETCH(QString, title);
    QFETCH(bool, copyEnabled);

    m_page->showWaiting(QStringLiteral("sandbox"),
                        QUrl::fromEncoded(kAuthorizeUrl, QUrl::StrictMode));
    m_page->showPhase(phase, QStringLiteral("sandbox"));

    QVERIFY(waitingPanel()->isVisible());
    QCOMPARE(child<QLabel>(QStringLiteral("waitingTitle"))->text(), title);
    QCOMPARE(child<QPushButton>(QStringLiteral("copyLinkButton"))->isEnabled(), copyEnabled);
    QVERIFY(child<QPushButton>(QStringLiteral("cancelButton"))->isEnabled());

    m_page->showPhase(FlowPhase::Idle, QStringLiteral("sandbox"));
    QVERIFY(!waitingPanel()->isVisible());
    QVERIFY(button("sandbox")->isEnabled());
}

void TestSocialIntegrationPage::outcomeIsInlineAndPlainText_data()
{
    QTest::addColumn<QString>("message");
    QTest::newRow("plain") << QStringLiteral(
        "Social connection was not authorized. The required scopes are needed for listening "
        "and engagement");
    QTest::newRow("markup-from-server")
        << QStringLiteral("<b>invalid_grant</b>: <img src=\"http://evil.example/x\"> expired");
    QTest::newRow("ampersand-and-entity") << QStringLiteral("Tom &amp; Jerry & co <br> done");
}

void TestSocialIntegrationPage::outcomeIsInlineAndPlainText()
{
    QFETCH(QString, message);

    m_page->showError(message);

    QVERIFY(messageStrip()->isVisible());
    QCOMPARE(messageStrip()->property("kind").toString(), QStringLiteral("error"));
    const auto *text = child<QLabel>(QStringLiteral("messageText"));
    QCOMPARE(text->text(), message);
    QCOMPARE(text->textFormat(), Qt::PlainText);
    for (const QWidget *window : QApplication::topLevelWidgets())
        QVERIFY(!(qobject_cast<const QDialog *>(window) && window->isVisible()));
}

void TestSocialIntegrationPage::successEndsTheWaiting()
{
    m_page->showWaiting(QStringLiteral("facebook"),
                        QUrl::fromEncoded(kAuthorizeUrl, QUrl::StrictMode));
    m_page->showSuccess(QStringLiteral("Facebook is connected."));

    QVERIFY(!waitingPanel()->isVisible());
    QCOMPARE(messageStrip()->property("kind").toString(), QStringLiteral("success"));
    QCOMPARE(child<QLabel>(QStringLiteral("messageText"))->text(),
             QStringLiteral("Facebook is connected."));
    QVERIFY(button("facebook")->isEnabled());
}

void TestSocialIntegrationPage::messageCanBeDismissed()
{
    m_page->showInfo(QStringLiteral("Connection cancelled."));
    QCOMPARE(messageStrip()->property("kind").toString(), QStringLiteral("info"));
    QVERIFY(messageStrip()->isVisible());

    QTest::mouseClick(child<QToolButton>(QStringLiteral("dismissMessageButton")), Qt::LeftButton);
    QVERIFY(!messageStrip()->isVisible());

    m_page->showError(QStringLiteral("The browser did not come back in time."));
    QVERIFY(messageStrip()->isVisible());
}

void TestSocialIntegrationPage::relativeTimeFollowsTheClock()
{
    QCOMPARE(stateText("sandbox"), QStringLiteral("Connected as @alice. Last sync: just now."));

    m_clock->advance(2 * 60);
    m_model->refresh();
    QCOMPARE(stateText("sandbox"),
             QStringLiteral("Connected as @alice. Last sync: 2 minutes ago."));

    // The model's own timer, not the test, brings the next change.
    m_model->setRefreshInterval(std::chrono::milliseconds(10));
    m_clock->advance(2 * 24 * 3600);
    QTRY_COMPARE(stateText("sandbox"),
                 QStringLiteral("Connected as @alice. Last sync: 2 days ago."));
    QCOMPARE(stateText("instagram"),
             QStringLiteral("Connected as @acme.studio. Last sync: 2 days ago."));
}

void TestSocialIntegrationPage::modelResetKeepsTheWaitingPanel()
{
    m_page->showWaiting(QStringLiteral("facebook"),
                        QUrl::fromEncoded(kAuthorizeUrl, QUrl::StrictMode));
    QList<ProviderStatus> reordered = sampleStatuses();
    std::reverse(reordered.begin(), reordered.end());
    m_model->setStatuses(reordered);

    QVERIFY(waitingPanel()->isVisible());
    QTRY_VERIFY(button("facebook")->isVisible());
    QVERIFY(!button("youtube")->isEnabled());
    const QWidget *row = child<QWidget>(QStringLiteral("providerRow_facebook"));
    const QWidget *next = child<QWidget>(QStringLiteral("providerRow_x"));
    QTRY_VERIFY(waitingPanel()->y() > row->y() && waitingPanel()->y() < next->y());
}

void TestSocialIntegrationPage::clickThatReplacesTheRowsIsSafe()
{
    // The controller reloads the model from inside the click: the row that sent it goes away.
    connect(m_page.get(), &SocialIntegrationPage::disconnectRequested, m_model.get(), [this] {
        QList<ProviderStatus> after = sampleStatuses();
        after.removeFirst();
        m_model->setStatuses(after);
    });
    QTest::mouseClick(button("sandbox"), Qt::LeftButton);
    QVERIFY(!m_page->findChild<QWidget *>(QStringLiteral("providerRow_sandbox")));
    QCOMPARE(stateText("linkedin"), QStringLiteral("Requires Re-auth"));
}

void TestSocialIntegrationPage::emptyModelExplainsWhy()
{
    m_model->setStatuses({});
    QVERIFY(child<QWidget>(QStringLiteral("emptyLabel"))->isVisible());
    const QRegularExpression anyButton(QStringLiteral("^connectButton_"));
    QVERIFY(m_page->findChildren<QPushButton *>(anyButton).isEmpty());
}

QTEST_MAIN(TestSocialIntegrationPage)
// The stored reason of a disconnect is "Disconnected": under "Not Connected" it says nothing new.
void TestSocialIntegrationPage::disconnectedRowShowsOnlyItsState()
{
    QList<ProviderStatus> statuses = sampleStatuses();
    statuses[0].state = ConnectionState::NotConnected;
    statuses[0].externalHandle.clear();
    statuses[0].statusReason = QStringLiteral("Disconnected");
    m_model->setStatuses(statuses);
    QCOMPARE(stateText("sandbox"), QStringLiteral("Not Connected"));
    QVERIFY(!child<QLabel>(QStringLiteral("reasonLabel_sandbox"))->isVisible());
    QVERIFY(!m_model->index(0).data(Qt::ToolTipRole).isValid());

    // A degraded connection still says why, in words rather than its code.
    statuses[0].state = ConnectionState::RequiresReauth;
    statuses[0].statusReason = QStringLiteral("RefreshTokenRejected");
    m_model->setStatuses(statuses);
    const auto *reason = child<QLabel>(QStringLiteral("reasonLabel_sandbox"));
    QVERIFY(reason->isVisible());
    QCOMPARE(reason->text(), QStringLiteral("Sandbox no longer accepts the stored refresh token: "
                                            "it was revoked or it expired."));
}

#include "tst_socialintegrationpage.moc"
