//! Memory and table caps for Wasmer: Wasmer has no store limiter, so a session's caps are
//! enforced by `Tunables` that wrap the default ones. Every memory's maximum is lowered to the
//! cap (so `memory.grow` past it fails with -1) and a memory or table whose minimum is over
//! its cap is refused when created (instantiation fails).

use std::ptr::NonNull;
use wasmer::sys::vm::{MemoryError, MemoryStyle, TableStyle, VMMemory, VMMemoryDefinition, VMTable, VMTableDefinition};
use wasmer::sys::{BaseTunables, Tunables};
use wasmer::{MemoryType, Pages, TableType};

pub(crate) struct Capped {
    base: BaseTunables,
    max_pages: Option<u32>,
    max_elements: Option<u32>,
}

impl Capped {
    pub(crate) fn new(max_memory_bytes: Option<u64>, max_table_elements: Option<u64>) -> Capped {
        Capped {
            base: BaseTunables::new(),
            max_pages: max_memory_bytes.map(|b| (b / 65536).min(u32::MAX as u64) as u32),
            max_elements: max_table_elements.map(|n| n.min(u32::MAX as u64) as u32),
        }
    }

    fn memory(&self, ty: &MemoryType) -> Result<MemoryType, MemoryError> {
        let Some(cap) = self.max_pages else { return Ok(*ty) };
        if ty.minimum.0 > cap {
            return Err(MemoryError::Generic(format!(
                "memory of {} pages is over the cap of {cap} pages",
                ty.minimum.0
            )));
        }
        let maximum = Some(Pages(ty.maximum.map_or(cap, |m| m.0.min(cap))));
        Ok(MemoryType { maximum, ..*ty })
    }

    fn table(&self, ty: &TableType) -> Result<TableType, String> {
        let Some(cap) = self.max_elements else { return Ok(*ty) };
        if ty.minimum > cap {
            return Err(format!("table of {} elements is over the cap of {cap} elements", ty.minimum));
        }
        Ok(TableType { maximum: Some(ty.maximum.map_or(cap, |m| m.min(cap))), ..*ty })
    }
}

impl Tunables for Capped {
    fn memory_style(&self, memory: &MemoryType) -> MemoryStyle {
        self.base.memory_style(&self.memory(memory).unwrap_or(*memory))
    }

    fn table_style(&self, table: &TableType) -> TableStyle {
        self.base.table_style(table)
    }

    fn create_host_memory(&self, ty: &MemoryType, style: &MemoryStyle) -> Result<VMMemory, MemoryError> {
        self.base.create_host_memory(&self.memory(ty)?, style)
    }

    unsafe fn create_vm_memory(
        &self,
        ty: &MemoryType,
        style: &MemoryStyle,
        vm_definition_location: NonNull<VMMemoryDefinition>,
    ) -> Result<VMMemory, MemoryError> {
        // SAFETY: forwarded unchanged from the caller's contract.
        unsafe { self.base.create_vm_memory(&self.memory(ty)?, style, vm_definition_location) }
    }

    fn create_host_table(&self, ty: &TableType, style: &TableStyle) -> Result<VMTable, String> {
        self.base.create_host_table(&self.table(ty)?, style)
    }

    unsafe fn create_vm_table(
        &self,
        ty: &TableType,
        style: &TableStyle,
        vm_definition_location: NonNull<VMTableDefinition>,
    ) -> Result<VMTable, String> {
        // SAFETY: forwarded unchanged from the caller's contract.
        unsafe { self.base.create_vm_table(&self.table(ty)?, style, vm_definition_location) }
    }
}
