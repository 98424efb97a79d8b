#include "ui/tenantswitcher.h"

#include "ui/theme.h"

#include <QAction>
#include <QActionGroup>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QPushButton>
#include <QVBoxLayout>

namespace EasyCrm::Ui {

namespace {

// A card in the navigation's grey, with a button that reads like a combo box: it must be
// seen at a glance, since everything written goes to the tenant it names. Inside a tenant
// the card turns blue, so working away from the host never goes unnoticed.
const char kSwitcherSheet[] = R"(
QFrame#tenantSwitcher {
    background: #ffffff; border: 1px solid #e4e7ec; border-radius: 8px;
}
QFrame#tenantSwitcher[scope="tenant"] { background: #eff4ff; border-color: #a4bcfd; }
QLabel#tenantSwitcherCaption { color: #667085; }
QFrame#tenantSwitcher[scope="tenant"] QLabel#tenantSwitcherCaption { color: #1d3a8a; }
QPushButton#tenantSwitcherButton {
    background: #ffffff; border: 1px solid #d0d5dd; border-radius: 6px; min-height: 26px;
}
QLabel#tenantSwitcherName { color: #101828; font-weight: 600; }
QPushButton#tenantSwitcherButton:hover { background: #f9fafb; border-color: #98a2b3; }
QPushButton#tenantSwitcherButton:focus { border: 1px solid #84adff; }
QPushButton#tenantSwitcherButton::menu-indicator {
    subcontrol-origin: padding; subcontrol-position: center right; right: 8px;
}
QLabel#tenantSwitcherError { color: #b42318; }
)";

// A literal "&" in a tenant's name, not a mnemonic.
QString shown(const QString &name)
{
    return QString(name).replace(u'&', QStringLiteral("&&"));
}

QString hostName()
{
    //: The host side of EasyCRM (no tenant), as an entry of the "Acting on" menu.
    return TenantSwitcher::tr("Host");
}

} // namespace

TenantSwitcher::TenantSwitcher(QWidget *parent)
    : QFrame(parent)
    , m_caption(new QLabel(this))
    , m_button(new QPushButton(this))
    , m_buttonText(new QLabel(m_button))
    , m_error(new QLabel(this))
    , m_menu(new QMenu(this))
    , m_group(new QActionGroup(this))
    , m_currentName(hostName())
{
    setObjectName(QStringLiteral("tenantSwitcher"));
    setStyleSheet(QString::fromUtf8(kSwitcherSheet));
    //: Caption above the tenant a host administrator works on; everything is written there.
    m_caption->setText(tr("Acting on"));
    m_caption->setObjectName(QStringLiteral("tenantSwitcherCaption"));
    QFont captionFont = m_caption->font();
    captionFont.setPointSizeF(captionFont.pointSizeF() * 0.85);
    captionFont.setWeight(QFont::DemiBold);
    m_caption->setFont(captionFont);

    m_button->setObjectName(QStringLiteral("tenantSwitcherButton"));
    m_button->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    m_buttonText->setObjectName(QStringLiteral("tenantSwitcherName"));
    m_buttonText->setTextFormat(Qt::PlainText);
    m_buttonText->setAttribute(Qt::WA_TransparentForMouseEvents);
    auto *inside = new QHBoxLayout(m_button);
    inside->setContentsMargins(10, 0, 26, 0); // the menu arrow sits in the right margin
    inside->addWidget(m_buttonText);
    m_button->setMenu(m_menu);
    m_button->setAccessibleName(tr("Tenant acted on"));
    m_menu->setObjectName(QStringLiteral("tenantSwitcherMenu"));
    m_group->setExclusive(true);
    connect(m_menu, &QMenu::aboutToShow, this, &TenantSwitcher::aboutToChoose);

    m_error->setObjectName(QStringLiteral("tenantSwitcherError"));
    m_error->setTextFormat(Qt::PlainText);
    m_error->setWordWrap(true);
    m_error->hide();

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(10, 8, 10, 10);
    layout->setSpacing(4);
    layout->addWidget(m_caption);
    layout->addWidget(m_button);
    layout->addWidget(m_error);
    rebuildMenu();
}

TenantSwitcher::~TenantSwitcher() = default;

void TenantSwitcher::setTenants(const QList<Choice> &tenants)
{
    m_tenants = tenants;
    rebuildMenu();
}

void TenantSwitcher::setCurrent(const QUuid &tenantId, const QString &name)
{
    m_current = tenantId;
    m_currentName = tenantId.isNull() ? hostName() : name;
    Theme::setStyleProperty(this, "scope",
                            tenantId.isNull() ? QStringLiteral("host") : QStringLiteral("tenant"));
    showError({});
    rebuildMenu();
}

QList<TenantSwitcher::Choice> TenantSwitcher::choices() const
{
    QList<Choice> all{{QUuid(), hostName()}};
    all << m_tenants;
    return all;
}

void TenantSwitcher::showError(const QString &message)
{
    m_error->setText(message);
    m_error->setVisible(!message.isEmpty());
}

QString TenantSwitcher::shownName() const
{
    return m_buttonText->text();
}

QString TenantSwitcher::error() const
{
    return m_error->isHidden() ? QString() : m_error->text();
}

void TenantSwitcher::resizeEvent(QResizeEvent *event)
{
    QFrame::resizeEvent(event);
    updateButton();
}

// The current entry is checked; choosing it again changes nothing. The old entries go later:
// the one chosen is usually still delivering its triggered() when the menu is rebuilt.
void TenantSwitcher::rebuildMenu()
{
    for (QAction *old : m_menu->actions()) {
        m_menu->removeAction(old);
        old->setActionGroup(nullptr);
        old->deleteLater();
    }
    const QList<Choice> all = choices();
    for (qsizetype i = 0; i < all.size(); ++i) {
        const Choice &choice = all.at(i);
        QAction *action = m_menu->addAction(shown(choice.name));
        action->setCheckable(true);
        action->setChecked(choice.id == m_current);
        action->setActionGroup(m_group);
        connect(action, &QAction::triggered, this, [this, id = choice.id] {
            if (id != m_current)
                emit tenantRequested(id);
        });
        if (i == 0 && all.size() > 1)
            m_menu->addSeparator();
    }
    updateButton();
}

// Long tenant names are elided to the button's width; the tooltip keeps the whole name.
void TenantSwitcher::updateButton()
{
    const int room = std::max(40, m_button->width() - 40);
    m_buttonText->setText(
        m_buttonText->fontMetrics().elidedText(m_currentName, Qt::ElideRight, room));
    m_button->setAccessibleDescription(m_currentName);
    m_menu->setMinimumWidth(m_button->width()); // drops down as wide as the button
    //: %1 is the tenant (or the host) everything is written to now.
    m_button->setToolTip(
        tr("Acting on %1. Everything you change is written there.").arg(m_currentName));
}

} // namespace EasyCrm::Ui
