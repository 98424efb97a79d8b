<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en">
<context>
    <name>EasyCrm::Models::ProviderListModel</name>
    <message numerus="yes">
        <source>%n minute(s) ago</source>
        <translation>
            <numerusform>%n minute ago</numerusform>
            <numerusform>%n minutes ago</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n hour(s) ago</source>
        <translation>
            <numerusform>%n hour ago</numerusform>
            <numerusform>%n hours ago</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n day(s) ago</source>
        <translation>
            <numerusform>%n day ago</numerusform>
            <numerusform>%n days ago</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n minute(s)</source>
        <translation>
            <numerusform>%n minute</numerusform>
            <numerusform>%n minutes</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n hour(s)</source>
        <translation>
            <numerusform>%n hour</numerusform>
            <numerusform>%n hours</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n day(s)</source>
        <translation>
            <numerusform>%n day</numerusform>
            <numerusform>%n days</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>EasyCrm::Ui::ConnectionDetailsDialog</name>
    <message numerus="yes">
        <source>%1 (after %n failed attempt(s))</source>
        <translation>
            <numerusform>%1 (after %n failed attempt)</numerusform>
            <numerusform>%1 (after %n failed attempts)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SignIn</name>
    <message numerus="yes">
        <source>Too many failed sign-ins: this account is locked until %1. Try again in %n minute(s), or ask an administrator to unlock it.</source>
        <extracomment>%1 is the local time the lockout ends; %n the minutes until then.</extracomment>
        <translation>
            <numerusform>Too many failed sign-ins: this account is locked until %1. Try again in %n minute, or ask an administrator to unlock it.</numerusform>
            <numerusform>Too many failed sign-ins: this account is locked until %1. Try again in %n minutes, or ask an administrator to unlock it.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>EasyCrm::Ui::ConfigCheckPanel</name>
    <message numerus="yes">
        <source>%n check(s) failed. Fix the settings named below and test again.</source>
        <translation>
            <numerusform>%n check failed. Fix the setting named below and test again.</numerusform>
            <numerusform>%n checks failed. Fix the settings named below and test again.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>EasyCrm::Ui::ProviderConfigPage</name>
    <message numerus="yes">
        <source>%n address(es) differ from the catalogue&apos;s.</source>
        <translation>
            <numerusform>%n address differs from the catalogue&apos;s.</numerusform>
            <numerusform>%n addresses differ from the catalogue&apos;s.</numerusform>
        </translation>
    </message>
</context>
</TS>
