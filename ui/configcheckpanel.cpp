#include "ui/configcheckpanel.h"

#include "ui/theme.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QVBoxLayout>

namespace EasyCrm::Ui {

namespace {

constexpr int kVerdictSize = 18;

QString verdictName(CheckVerdict verdict)
{
    switch (verdict) {
    case CheckVerdict::Passed:
        return QStringLiteral("passed");
    case CheckVerdict::Failed:
        return QStringLiteral("failed");
    case CheckVerdict::Skipped:
        return QStringLiteral("skipped");
    }
    return {};
}

QString verdictGlyph(CheckVerdict verdict)
{
    switch (verdict) {
    case CheckVerdict::Passed:
        return QStringLiteral("\u2713");
    case CheckVerdict::Failed:
        return QStringLiteral("!");
    case CheckVerdict::Skipped:
        return QStringLiteral("\u2013");
    }
    return {};
}

QString verdictText(CheckVerdict verdict)
{
    switch (verdict) {
    case CheckVerdict::Passed:
        return ConfigCheckPanel::tr("Passed");
    case CheckVerdict::Failed:
        return ConfigCheckPanel::tr("Failed");
    case CheckVerdict::Skipped:
        //: A check that did not apply, such as the discovery document of a plain OAuth provider.
        return ConfigCheckPanel::tr("Not applicable");
    }
    return {};
}

QLabel *plainLabel(const QString &objectName, QWidget *parent)
{
    auto *label = new QLabel(parent);
    // Server answers and addresses are shown as they are, never as markup.
    label->setTextFormat(Qt::PlainText);
    label->setObjectName(objectName);
    return label;
}

} // namespace

ConfigCheckPanel::ConfigCheckPanel(QWidget *parent)
    : QFrame(parent)
    , m_title(plainLabel(QStringLiteral("checkTitle"), this))
    , m_summary(plainLabel(QStringLiteral("checkSummary"), this))
    , m_progress(new QProgressBar(this))
{
    setObjectName(QStringLiteral("configCheckPanel"));
    QFont titleFont = m_title->font();
    titleFont.setWeight(QFont::DemiBold);
    m_title->setFont(titleFont);
    m_summary->setWordWrap(true);
    m_progress->setObjectName(QStringLiteral("checkProgress"));
    m_progress->setRange(0, 0); // indeterminate: the requests run in parallel
    m_progress->setTextVisible(false);

    m_rows = new QVBoxLayout;
    m_rows->setContentsMargins(0, 4, 0, 0);
    m_rows->setSpacing(8);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(16, 12, 16, 14);
    layout->setSpacing(6);
    layout->addWidget(m_title);
    layout->addWidget(m_summary);
    layout->addWidget(m_progress);
    layout->addLayout(m_rows);
    hide();
}

void ConfigCheckPanel::showRunning(const QString &providerName)
{
    clearRows();
    m_running = true;
    m_checks.clear();
    //: %1 is a provider name such as LinkedIn.
    m_title->setText(tr("Testing the %1 configuration…").arg(providerName));
    m_summary->setText(tr("Asking each endpoint for an answer, without signing in and without "
                          "sending the client secret."));
    m_progress->show();
    show();
}

void ConfigCheckPanel::showChecks(const QList<ConfigCheck> &checks)
{
    clearRows();
    m_running = false;
    m_checks = checks;
    m_progress->hide();
    const auto failed = std::count_if(checks.cbegin(), checks.cend(), [](const ConfigCheck &c) {
        return c.verdict == CheckVerdict::Failed;
    });
    m_title->setText(tr("Test configuration"));
    m_summary->setText(failed == 0
                           ? tr("Every check passed. Connecting still needs a person to sign in.")
                           : tr("%n check(s) failed. Fix the settings named below and test again.",
                                nullptr, static_cast<int>(failed)));
    Theme::setStyleProperty(m_summary, "verdict",
                            failed == 0 ? QStringLiteral("passed") : QStringLiteral("failed"));
    for (int i = 0; i < checks.size(); ++i)
        m_rows->addWidget(makeRow(checks.at(i), i));
    show();
}

QWidget *ConfigCheckPanel::makeRow(const ConfigCheck &check, int index)
{
    auto *row = new QWidget(this);
    row->setObjectName(QStringLiteral("checkRow_%1").arg(index));
    auto *glyph = plainLabel(QStringLiteral("checkVerdict"), row);
    glyph->setFixedSize(kVerdictSize, kVerdictSize);
    glyph->setAlignment(Qt::AlignCenter);
    glyph->setText(verdictGlyph(check.verdict));
    glyph->setAccessibleName(verdictText(check.verdict));
    glyph->setToolTip(verdictText(check.verdict));
    Theme::setStyleProperty(glyph, "verdict", verdictName(check.verdict));
    auto *title = plainLabel(QStringLiteral("checkRowTitle"), row);
    title->setText(check.title);
    QFont titleFont = title->font();
    titleFont.setWeight(QFont::DemiBold);
    title->setFont(titleFont);
    auto *text = plainLabel(QStringLiteral("checkRowText"), row);
    text->setText(check.text);
    text->setWordWrap(true);
    text->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *texts = new QVBoxLayout;
    texts->setSpacing(1);
    texts->addWidget(title);
    texts->addWidget(text);
    auto *layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(10);
    layout->addWidget(glyph, 0, Qt::AlignTop);
    layout->addLayout(texts, 1);
    return row;
}

void ConfigCheckPanel::reset()
{
    clearRows();
    m_running = false;
    m_checks.clear();
    hide();
}

void ConfigCheckPanel::clearRows()
{
    while (QLayoutItem *item = m_rows->takeAt(0)) {
        delete item->widget();
        delete item;
    }
}

} // namespace EasyCrm::Ui
