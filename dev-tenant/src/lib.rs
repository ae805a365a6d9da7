//! A local emulator of a Microsoft Entra External ID (CIAM) tenant, for trying the app and for its tests.
